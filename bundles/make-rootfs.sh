#!/bin/bash
# Builds a minimal rootfs from Debian's busybox-static: the binary, one
# symlink per applet, and the directories and files a container expects.
# usage: make-rootfs.sh DIR
set -euo pipefail
dir=${1:?usage: make-rootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}
mkdir -p "$dir"/{bin,dev,etc,proc,sys,tmp,root,home,run,var}
chmod 1777 "$dir/tmp"
cp "$busybox" "$dir/bin/busybox"
for applet in $("$busybox" --list); do
  [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
done
ln -sfn bin "$dir/sbin"
mkdir -p "$dir/usr"
ln -sfn ../bin "$dir/usr/bin"
ln -sfn ../bin "$dir/usr/sbin"
cat > "$dir/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
user:x:1000:1000:user:/home/user:/bin/sh
PASSWD
cat > "$dir/etc/group" <<'GROUP'
root:x:0:
tty:x:5:
nogroup:x:65534:
user:x:1000:
GROUP
echo "tsrun-demo" > "$dir/etc/hostname"
