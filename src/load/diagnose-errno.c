/* Errno names (EPERM) and the texts insmod gives for what the module
 * loader's errnos mean, which strerror() does not say. */
#include "diagnose-int.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- errno tables ------------------------------------------------------- */

struct errno_entry {
	int err;
	const char *name;
};

static const struct errno_entry errno_names[] = {
	{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
	{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" }, { ENOEXEC, "ENOEXEC" }, { EBADF, "EBADF" },
	{ ECHILD, "ECHILD" }, { EAGAIN, "EAGAIN" }, { ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" }, { EFAULT, "EFAULT" }, { EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" }, { EXDEV, "EXDEV" }, { ENODEV, "ENODEV" },
	{ ENOTDIR, "ENOTDIR" }, { EISDIR, "EISDIR" }, { EINVAL, "EINVAL" },
	{ ENFILE, "ENFILE" }, { EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" },
	{ ETXTBSY, "ETXTBSY" }, { EFBIG, "EFBIG" }, { ENOSPC, "ENOSPC" },
	{ ESPIPE, "ESPIPE" }, { EROFS, "EROFS" }, { EMLINK, "EMLINK" },
	{ EPIPE, "EPIPE" }, { EDOM, "EDOM" }, { ERANGE, "ERANGE" },
	{ EDEADLK, "EDEADLK" }, { ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENOSYS, "ENOSYS" }, { ENOTEMPTY, "ENOTEMPTY" }, { ELOOP, "ELOOP" },
	{ ENOMSG, "ENOMSG" }, { EIDRM, "EIDRM" }, { ENODATA, "ENODATA" },
	{ ETIME, "ETIME" }, { ENOLINK, "ENOLINK" }, { EPROTO, "EPROTO" },
	{ EBADMSG, "EBADMSG" }, { EOVERFLOW, "EOVERFLOW" },
	{ EILSEQ, "EILSEQ" }, { EUSERS, "EUSERS" }, { ENOTSOCK, "ENOTSOCK" },
	{ EPROTONOSUPPORT, "EPROTONOSUPPORT" },
	{ EOPNOTSUPP, "EOPNOTSUPP" }, { EAFNOSUPPORT, "EAFNOSUPPORT" },
	{ EADDRINUSE, "EADDRINUSE" }, { EADDRNOTAVAIL, "EADDRNOTAVAIL" },
	{ ENETDOWN, "ENETDOWN" }, { ENETUNREACH, "ENETUNREACH" },
	{ ECONNABORTED, "ECONNABORTED" }, { ECONNRESET, "ECONNRESET" },
	{ ENOBUFS, "ENOBUFS" }, { ENOTCONN, "ENOTCONN" },
	{ ETIMEDOUT, "ETIMEDOUT" }, { ECONNREFUSED, "ECONNREFUSED" },
	{ EHOSTUNREACH, "EHOSTUNREACH" }, { EALREADY, "EALREADY" },
	{ EINPROGRESS, "EINPROGRESS" }, { ESTALE, "ESTALE" },
	{ EDQUOT, "EDQUOT" }, { ECANCELED, "ECANCELED" },
#ifdef ENOMEDIUM
	{ ENOMEDIUM, "ENOMEDIUM" },
#endif
#ifdef ENOPKG
	{ ENOPKG, "ENOPKG" },
#endif
#ifdef ENOKEY
	{ ENOKEY, "ENOKEY" },
#endif
#ifdef EKEYEXPIRED
	{ EKEYEXPIRED, "EKEYEXPIRED" },
#endif
#ifdef EKEYREVOKED
	{ EKEYREVOKED, "EKEYREVOKED" },
#endif
#ifdef EKEYREJECTED
	{ EKEYREJECTED, "EKEYREJECTED" },
#endif
#ifdef EREMOTEIO
	{ EREMOTEIO, "EREMOTEIO" },
#endif
#ifdef ENOTRECOVERABLE
	{ ENOTRECOVERABLE, "ENOTRECOVERABLE" },
#endif
#ifdef ERFKILL
	{ ERFKILL, "ERFKILL" },
#endif
#ifdef EHWPOISON
	{ EHWPOISON, "EHWPOISON" },
#endif
};

const char *diagnose_errno_name(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return NULL;
}

const char diagnose_init_failed_text[] = "the module's init function failed";

/* What each errno means when it comes from init_module/finit_module
 * themselves (the kernel's module loader), not from the module. */
static const struct {
	int err;
	const char *text;
} errno_texts[] = {
	{ ENOEXEC, "invalid module format: not a module this kernel accepts "
		   "(damaged or not a kernel module, built for another "
		   "architecture, kernel release or configuration (vermagic "
		   "or module_layout mismatch), missing version information "
		   "on a kernel without CONFIG_MODULE_FORCE_LOAD, or an "
		   "unsupported relocation)" },
	{ ENOENT, "unknown symbol in module: it uses a symbol that neither "
		  "the kernel nor any loaded module exports" },
	{ EINVAL, "invalid parameters, or a symbol version (CRC) mismatch, "
		  "or a missing namespace import" },
	{ EEXIST, "a module of that name is already loaded" },
	{ EBUSY, "a module of that name is being loaded or removed right "
		 "now" },
	{ EPERM, "operation not permitted: needs CAP_SYS_MODULE, or module "
		 "loading is disabled (/proc/sys/kernel/modules_disabled), "
		 "or the kernel is locked down (/sys/kernel/security/lockdown) "
		 "and refuses unsigned modules, or the module is blacklisted, "
		 "or a security module refused it" },
	{ EACCES, "permission denied: a security module (such as SELinux, "
		  "AppArmor or IMA) refused to let the kernel read the module, "
		  "or its init function returned EACCES" },
#ifdef EKEYREJECTED
	{ EKEYREJECTED, "the kernel requires a valid signature: the module's "
			"signature is missing or did not verify" },
#endif
#ifdef ENOKEY
	{ ENOKEY, "the module is signed with a key that is not in the "
		  "kernel's keyring" },
#endif
#ifdef ENOPKG
	{ ENOPKG, "the module is signed with an algorithm this kernel does "
		  "not support" },
#endif
	{ EBADMSG, "the module's signature is malformed (a damaged "
		   "signature trailer)" },
	{ ETXTBSY, "the module file is open for writing by another process; "
		   "wait until it is completely written" },
	{ EOPNOTSUPP, "the kernel cannot decompress this module's "
		      "compression format" },
	{ ENOSPC, "a parameter value is too long (longer than the "
		  "parameter's string buffer, or than 1024 characters)" },
	{ ERANGE, "a parameter's number is out of range for its type" },
	{ ENOMEM, "the kernel ran out of memory loading the module" },
	{ EFAULT, "the kernel was given a bad address (a bug in insmod; "
		  "please report it)" },
	{ ENOSYS, "this kernel cannot load modules (built without "
		  "CONFIG_MODULES, or the system call is not available)" },
	{ EINTR, "interrupted while waiting for another module to finish "
		 "loading" },
};

const char *diagnose_errno_text(int err)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_texts); i++)
		if (errno_texts[i].err == err)
			return errno_texts[i].text;
	return diagnose_init_failed_text;
}

bool diagnose_errno_is_loaders(int err)
{
	return diagnose_errno_text(err) != diagnose_init_failed_text;
}
