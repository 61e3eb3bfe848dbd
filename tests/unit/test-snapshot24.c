/* Unit test: on a 2.4 kernel the ksymoops snapshot copies /proc/ksyms (as
 * the specification says); where there is none (2.6+), /proc/kallsyms. */
#include "check.h"
#include "helpers.h"
#include "log.h"
#include "snapshot.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char top[4096];

static void put(const char *rel, const char *text)
{
	put_file(top, rel, text, false);
}

static bool holds(const char *rel, const char *text)
{
	char path[8192], buf[256] = "";
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", top, rel);
	f = fopen(path, "r");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	return strcmp(buf, text) == 0;
}

int main(void)
{
	char dir[8192], proc[8192], path[8192];
	time_t when = 1041379200;	/* 2003-01-01 */
	struct tm tm;
	char stamp[32];

	log_setup(LOG_TO_NOWHERE, 0, false);
	snprintf(top, sizeof(top), "/tmp/test-snapshot24.XXXXXX");
	if (!mkdtemp(top))
		return 1;
	snprintf(dir, sizeof(dir), "%s/ksymoops", top);
	snprintf(proc, sizeof(proc), "%s/root", top);
	snprintf(path, sizeof(path), "%s/root/proc", top);
	mkdir(dir, 0755);
	mkdir(proc, 0755);
	mkdir(path, 0755);
	localtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	put("root/proc/ksyms", "c0120000 printk_R1b7d4074\n");
	put("root/proc/kallsyms", "ffffffff81000000 T printk\n");
	put("root/proc/modules", "hello24 1234 0 (unused)\n");
	CHECK(snapshot_take_at(dir, proc, when) == 0, "a snapshot on a 2.4 kernel");
	snprintf(path, sizeof(path), "ksymoops/%s.ksyms", stamp);
	CHECK(holds(path, "c0120000 printk_R1b7d4074\n"), "... copies /proc/ksyms");
	snprintf(path, sizeof(path), "ksymoops/%s.modules", stamp);
	CHECK(holds(path, "hello24 1234 0 (unused)\n"), "... and /proc/modules");
	snprintf(path, sizeof(path), "%s/root/proc/ksyms", top);
	unlink(path);
	when += 1;
	localtime_r(&when, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M%S", &tm);
	CHECK(snapshot_take_at(dir, proc, when) == 0, "a snapshot on a 2.6+ kernel");
	snprintf(path, sizeof(path), "ksymoops/%s.ksyms", stamp);
	CHECK(holds(path, "ffffffff81000000 T printk\n"), "... copies /proc/kallsyms");
	if (remove_tree(top) != 0)
		return 1;
	return CHECK_DONE();
}
