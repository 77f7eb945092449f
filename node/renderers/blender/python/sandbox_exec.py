# Runs a program under a Landlock sandbox (Linux >= 5.13), with no
# privileges needed. Blender evaluates a scene while loading it, before any
# script of ours can look at it (a fluid domain writes its cache there), so
# file-system confinement must come from the kernel, set up before exec.
#   python3 -I -S sandbox_exec.py --probe   prints {"abi": Landlock ABI (0: none), "python": this interpreter}
#   python3 -I -S sandbox_exec.py POLICY.json -- PROGRAM ARGS...
# POLICY.json: {"exec": [dirs readable and executable], "read": [dirs or files
# read-only], "write": [dirs with full access], "devices": [device files,
# read/write/ioctl], "env": {the program's whole environment}}. Missing
# paths are skipped. The environment is set here because a python3 shim
# (pyenv) changes PATH, which Blender's embedded Python would follow to the
# wrong standard library. Landlock rules only allow:
# everything not listed is denied. With ABI >= 4 TCP bind/connect are denied
# too, with ABI >= 6 signals and abstract unix sockets outside the sandbox.
# Fails closed: if the sandbox cannot be set up, the program does not run.
import ctypes
import json
import os
import sys

SYS_CREATE, SYS_ADD_RULE, SYS_RESTRICT = 444, 445, 446  # the same on every Linux architecture
RULE_PATH_BENEATH = 1
PR_SET_NO_NEW_PRIVS = 38

EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
MAKE_ALL = sum(1 << b for b in range(4, 13))  # remove dir/file, make char/dir/reg/sock/fifo/block/sym
REFER, TRUNCATE, IOCTL_DEV = 1 << 13, 1 << 14, 1 << 15
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | TRUNCATE | IOCTL_DEV

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long


class PathBeneath(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def abi():
    version = libc.syscall(SYS_CREATE, None, ctypes.c_size_t(0), ctypes.c_uint32(1))
    return max(0, version)


def handled_fs(version):
    rights = EXECUTE | WRITE_FILE | READ_FILE | READ_DIR | MAKE_ALL
    if version >= 2:
        rights |= REFER
    if version >= 3:
        rights |= TRUNCATE
    if version >= 5:
        rights |= IOCTL_DEV
    return rights


def die(message):
    sys.stderr.write("sandbox: %s\n" % message)
    sys.exit(126)


def main():
    if sys.argv[1:] == ["--probe"]:
        print(json.dumps({"abi": abi(), "python": sys.executable}))
        return
    split = sys.argv.index("--")
    with open(sys.argv[1]) as f:
        policy = json.load(f)
    program = sys.argv[split + 1 :]
    version = abi()
    if version < 1:
        die("Landlock is not available")
    fs = handled_fs(version)
    fields = [fs]
    if version >= 4:
        fields.append(0b11)  # handled_access_net: TCP bind and connect, with no rule allowing any
    if version >= 6:
        fields.append(0b11)  # scoped: abstract unix sockets and signals
    attr = (ctypes.c_uint64 * len(fields))(*fields)
    ruleset = libc.syscall(SYS_CREATE, ctypes.byref(attr), ctypes.c_size_t(ctypes.sizeof(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        die("landlock_create_ruleset failed: " + os.strerror(ctypes.get_errno()))
    grants = [
        (policy.get("exec", []), EXECUTE | READ_FILE | READ_DIR),
        (policy.get("read", []), READ_FILE | READ_DIR),
        (policy.get("write", []), fs),
        (policy.get("devices", []), READ_FILE | WRITE_FILE | (IOCTL_DEV if version >= 5 else 0)),
    ]
    for paths, access in grants:
        for path in paths:
            try:
                fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
            except OSError:
                continue
            allowed = access & fs
            if not os.path.isdir(path):
                allowed &= FILE_ONLY
            rule = PathBeneath(allowed, fd)
            if libc.syscall(SYS_ADD_RULE, ctypes.c_int(ruleset), ctypes.c_int(RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)) < 0:
                die("landlock_add_rule %s failed: %s" % (path, os.strerror(ctypes.get_errno())))
            os.close(fd)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        die("prctl(NO_NEW_PRIVS) failed")
    if libc.syscall(SYS_RESTRICT, ctypes.c_int(ruleset), ctypes.c_uint32(0)) < 0:
        die("landlock_restrict_self failed: " + os.strerror(ctypes.get_errno()))
    os.close(ruleset)
    os.execve(program[0], program, policy.get("env", {}))


main()
