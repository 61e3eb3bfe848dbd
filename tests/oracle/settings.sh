# Per-architecture settings of the oracle, sourced by its scripts: the GNU
# binutils to use and the load address (inside the range the fixed symbol
# file's addresses allow without overflow, as in a real kernel).
case $arch in
amd64) LD=ld.bfd; OBJCOPY=objcopy; BASE=0xffffffffc0200000 ;;
i386) LD=i686-linux-gnu-ld; OBJCOPY=i686-linux-gnu-objcopy; BASE=0xf8000000 ;;
arm64) LD=aarch64-linux-gnu-ld; OBJCOPY=aarch64-linux-gnu-objcopy; BASE=0xffff800001000000 ;;
*) echo "unknown architecture $arch" >&2; exit 2 ;;
esac
