# dnf.py — the host side of tpx's dnf module (src/modules/dnf.ts sends it as one command:
# `cd / && python3 -E -s -S -c SCRIPT`, as root, its input on stdin as JSON).
#
# Why python3: the decisions Ansible's dnf makes per package spec (is it installed, is a newer
# version installed, install or upgrade) need the rpm database's versions compared as rpm
# compares them; doing those steps in Python on the host, then the changes with the real dnf
# command (never through a shell), gives the same decisions. It needs no python3-dnf import:
# the installed packages come from `rpm -qa`, the changes from `dnf install/upgrade/remove`.
#
# Input (stdin, one JSON object): names (package specs, checked by tpx: never an option),
# state (present, latest, absent), update_cache, disable_gpg_check, enablerepo, disablerepo
# (lists), autoremove, allow_downgrade, check.
# Output (stdout): the line `tpx-dnf-v1`, then one line of JSON: `failed` and `result`, the keys
# Ansible's dnf returns (changed, msg, results, rc, failures), each text cut within TEXT_CAP.
import json
import os
import re
import shutil
import subprocess
import sys

TEXT_CAP = 64 * 1024
# The architecture suffixes `name.arch` may carry (rpm's names for them).
ARCHES = frozenset((
    'aarch64 alpha alphaev5 alphaev56 alphaev6 alphaev67 alphapca56 amd64 armv3l armv4b armv4l '
    'armv5tejl armv5tel armv5tl armv6hl armv6l armv7hl armv7hnl armv7l athlon geode i386 i486 '
    'i586 i686 ia32e ia64 m68k mips mips64 mips64el mips64r6 mips64r6el mipsel mipsr6 mipsr6el '
    'noarch pentium3 pentium4 ppc ppc32dy4 ppc64 ppc64iseries ppc64le ppc64p7 ppc64pseries '
    'ppc8260 ppc8560 ppciseries ppcpseries riscv64 s390 s390x sh sh3 sh4 sh4a sparc sparc64 '
    'sparc64v sparcv8 sparcv9 sparcv9v x86_64'
).split())
# Headings of dnf's transaction table: what each row does to the host.
INSTALLS = ('Installing', 'Upgrading', 'Downgrading', 'Reinstalling', 'Installing dependencies', 'Installing weak dependencies')
REMOVES = ('Removing', 'Removing dependent packages', 'Removing unused dependencies')


class Exit(Exception):
    """The module's answer: raised to leave from any depth."""

    def __init__(self, failed, **result):
        super().__init__()
        self.failed = failed
        self.result = result


def fail(msg, **more):
    more.setdefault('results', [])
    return Exit(True, msg=msg, **more)


ENV = dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8', LC_MESSAGES='C.UTF-8', LANGUAGE='C.UTF-8')


def run(argv):
    """Runs argv (never through a shell); returns rc, stdout, stderr as text."""
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=ENV, check=False)
    except OSError as e:
        return 127, '', str(e)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def cap(text):
    return text if len(text) <= TEXT_CAP else text[-TEXT_CAP:]


# --- rpm versions, compared as rpm compares them ----------------------------------------------

def _segments(s):
    return re.findall(r'~|\^|[0-9]+|[A-Za-z]+', s)


def vercmp(a, b):
    """rpmvercmp: alphanumeric segments in turn, digits above letters, ~ below all, ^ above end."""
    if a == b:
        return 0
    x, y = _segments(a), _segments(b)
    while x or y:
        p = x.pop(0) if x else None
        q = y.pop(0) if y else None
        if p == '~' or q == '~':
            if p != q:
                return -1 if p == '~' else 1
            continue
        if p == '^' or q == '^':
            if p is None:
                return -1
            if q is None:
                return 1
            if p != q:
                return 1 if p == '^' else -1
            continue
        if p is None or q is None:
            return -1 if p is None else 1
        if p.isdigit() != q.isdigit():
            return 1 if p.isdigit() else -1
        if p.isdigit():
            p, q = p.lstrip('0'), q.lstrip('0')
            if len(p) != len(q):
                return 1 if len(p) > len(q) else -1
        if p != q:
            return 1 if p > q else -1
    return 0


def evrcmp(a, b):
    """Compares (epoch, version, release) triples; an empty release matches any."""
    c = int(a[0] or 0) - int(b[0] or 0)
    if c:
        return 1 if c > 0 else -1
    c = vercmp(a[1], b[1])
    if c or not a[2] or not b[2]:
        return c
    return vercmp(a[2], b[2])


# --- the rpm database ---------------------------------------------------------------------------

class Pkg:
    def __init__(self, name, epoch, version, release, arch):
        self.name, self.epoch, self.version, self.release, self.arch = name, epoch, version, release, arch

    def evr(self):
        return (self.epoch, self.version, self.release)

    def __str__(self):
        epoch = '' if self.epoch in ('', '0') else self.epoch + ':'
        return '%s-%s%s-%s.%s' % (self.name, epoch, self.version, self.release, self.arch)


def installed_packages():
    rc, out, err = run([tool('rpm'), '-qa', '--qf', '%{NAME}\\t%{EPOCHNUM}\\t%{VERSION}\\t%{RELEASE}\\t%{ARCH}\\n'])
    if rc != 0:
        raise fail('rpm could not read the package database: %s' % err.strip()[-500:], rc=rc)
    found = []
    for line in out.splitlines():
        parts = line.split('\t')
        if len(parts) == 5 and parts[0] != 'gpg-pubkey':
            found.append(Pkg(*parts))
    return found


def split_arch(spec):
    name, dot, arch = spec.rpartition('.')
    if dot and name and arch in ARCHES:
        return name, arch
    return spec, None


def split_nevr(spec):
    """name-[epoch:]version-release (an epoch may lead the name); None when the spec is not one."""
    if spec.endswith('.rpm'):
        spec = spec[:-4]
    spec, arch = split_arch(spec)
    m = re.match(r'^(\S+)-(?:(\d*):)?(.*)-(~?\w+[\w.+]*)$', spec)
    if not m:
        return None
    name, epoch, version, release = m.groups()
    if not version or not version.split('.')[0].isdigit():
        return None
    epoch = epoch or '0'
    if ':' in name:
        epoch, _, name = name.partition(':')
    return {'name': name, 'epoch': epoch, 'version': version, 'release': release, 'arch': arch}


def matches_installed(spec, pkgs):
    nevr = split_nevr(spec)
    if nevr:
        return [p for p in pkgs if p.name == nevr['name'] and (nevr['arch'] is None or p.arch == nevr['arch'])
                and int(p.epoch or 0) == int(nevr['epoch']) and p.version == nevr['version'] and p.release == nevr['release']]
    name, arch = split_arch(spec)
    return [p for p in pkgs if p.name == name and (arch is None or p.arch == arch)]


def newer_installed(spec, pkgs):
    nevr = split_nevr(spec)
    if not nevr:
        return False
    same = [p for p in pkgs if p.name == nevr['name']]
    return bool(same) and evrcmp(same[0].evr(), (nevr['epoch'], nevr['version'], nevr['release'])) > 0


def installed_by_spec(spec, pkgs):
    """The installed packages a removal spec names: name, name.arch, name-version[-release][.arch]."""
    found = matches_installed(spec, pkgs)
    if found:
        return found
    name, arch = split_arch(spec)
    out = []
    for p in pkgs:
        if arch is not None and p.arch != arch:
            continue
        if name == p.name or name == '%s-%s' % (p.name, p.version) or name == '%s-%s-%s' % (p.name, p.version, p.release):
            out.append(p)
    return out


# --- dnf -----------------------------------------------------------------------------------------

def tool(name):
    return shutil.which(name) or '/usr/bin/' + name


def dnf_argv(p, command, specs, best=False):
    argv = [tool('dnf'), '--assumeno' if p['check'] else '-y', '--setopt=install_weak_deps=True']
    argv.append('--setopt=clean_requirements_on_remove=%s' % ('True' if p['autoremove'] else 'False'))
    if p['disable_gpg_check']:
        argv.append('--nogpgcheck')
    if best:
        argv.append('--best')
    argv += ['--disablerepo=' + r for r in p['disablerepo']]
    argv += ['--enablerepo=' + r for r in p['enablerepo']]
    argv.append(command)
    if specs:
        argv.append('--')
        argv += specs
    return argv


def table_rows(out):
    """(heading, name, arch, evr) for each row of dnf's transaction table (names may wrap a line)."""
    rows, heading, pending = [], None, []
    for line in out.splitlines():
        if line.endswith(':') and not line.startswith(' '):
            heading, pending = line[:-1], []
            continue
        if heading is None or not line.startswith(' '):
            if line.startswith('Transaction Summary'):
                break
            continue
        if line.strip().startswith('replacing'):
            continue
        pending += line.split()
        if len(pending) >= 4:
            rows.append((heading, pending[0], pending[1], pending[2]))
            pending = []
    return rows


def predicted(out, pkgs):
    """What --assumeno's table says would be installed and removed, as Ansible lists them."""
    installed, removed = [], []
    for heading, name, arch, evr in table_rows(out):
        epoch, _, vr = evr.rpartition(':')
        version, _, release = vr.rpartition('-')
        pkg = Pkg(name, epoch or '0', version, release, arch)
        if heading in INSTALLS:
            installed.append(str(pkg))
            if heading in ('Upgrading', 'Downgrading'):
                removed += [str(o) for o in pkgs if o.name == name and o.arch == arch]
        elif heading in REMOVES:
            removed.append(str(pkg))
    return installed, removed


def missing_specs(text):
    return re.findall(r'^No match for argument: (.+)$', text, re.M)


def run_dnf(p, command, specs, pkgs, best=False):
    """Runs one dnf transaction; returns (installed, removed) NEVRAs, predicted in check mode."""
    rc, out, err = run(dnf_argv(p, command, specs, best))
    text = out + err
    missing = missing_specs(text)
    if rc != 0 and 'There are no enabled repositories' in text and command in ('install', 'upgrade'):
        # The dnf command refuses outright; the dnf API Ansible uses finds no match for an
        # install, and nothing newer for an upgrade.
        if command == 'upgrade':
            return [], []
        missing = specs
    if missing and command in ('install', 'upgrade'):
        raise fail('Failed to install some of the specified packages', rc=1,
                   failures=['No package %s available.' % s for s in missing])
    if p['check']:
        if rc != 0 and 'Operation aborted.' not in text:
            raise fail(depsolve_msg(text), rc=1, failures=[])
        return predicted(out, pkgs)
    if rc != 0:
        raise fail(depsolve_msg(text), rc=1, failures=[])
    after = installed_packages()
    before_set, after_set = set(str(x) for x in pkgs), set(str(x) for x in after)
    return sorted(after_set - before_set), sorted(before_set - after_set)


def depsolve_msg(text):
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith('Last metadata expiration check')]
    body = cap('\n'.join(lines))
    if 'Problem' in body or 'conflicting requests' in body:
        return 'Depsolve Error occurred: ' + body
    return 'Unknown Error occurred: ' + body


def update_cache(p):
    argv = dnf_argv(dict(p, check=False), 'makecache', [])
    rc, out, err = run(argv)
    if rc != 0:
        raise fail(cap((err or out).strip()), rc=1)


def ensure(p):
    pkgs = installed_packages()
    names, state = p['names'], p['state']
    installs, upgrades, removes = [], [], []
    if names == ['*'] and state == 'latest':
        upgrades = ['*']
    elif state in ('present', 'latest'):
        for spec in names:
            newer = newer_installed(spec, pkgs)
            present = bool(matches_installed(spec, pkgs))
            if newer and not p['allow_downgrade']:
                continue
            if state == 'latest' and present:
                upgrades.append(spec)
            elif newer or not present:
                installs.append(spec)
    else:
        for spec in names:
            removes += [str(x) for x in installed_by_spec(spec, pkgs)]
    installed, removed = [], []
    for command, specs in (('install', installs), ('upgrade', upgrades), ('remove', removes)):
        if not specs:
            continue
        got = run_dnf(p, command, [] if specs == ['*'] else specs, pkgs, best=state == 'latest')
        installed += got[0]
        removed += got[1]
        if not p['check']:
            pkgs = installed_packages()
    if p['autoremove']:
        got = run_dnf(p, 'autoremove', [], pkgs)
        installed += got[0]
        removed += got[1]
    if not installed and not removed:
        return Exit(False, changed=False, msg='Nothing to do', results=[], rc=0)
    results = ['Installed: ' + x for x in installed] + ['Removed: ' + x for x in removed]
    msg = 'Check mode: No changes made, but would have if not in check mode' if p['check'] else ''
    return Exit(False, changed=True, msg=msg, results=results, rc=0)


def main():
    p = json.load(sys.stdin)
    try:
        if os.geteuid() != 0:
            raise fail('This command has to be run under the root user.')
        if shutil.which('dnf') is None:
            raise fail('dnf is not installed on the host (tpx drives the dnf command)', rc=1)
        if p['update_cache']:
            update_cache(p)
            if not p['names']:
                raise Exit(False, changed=False, msg='Cache updated', results=[], rc=0)
        answer = ensure(p)
    except Exit as e:
        answer = e
    sys.stdout.write('tpx-dnf-v1\n' + json.dumps({'failed': answer.failed, 'result': answer.result}) + '\n')


if __name__ == '__main__':
    main()
