# apt.py — the host side of tpx's apt module (src/modules/apt.ts sends it as one command:
# `cd / && python3 -E -s -S -c SCRIPT`, as root, its input on stdin as JSON).
#
# Why python3: Ansible's apt decides with Python's fnmatch (version pins like `foo=1.*`) and
# answers with texts built from the commands it ran; doing the same steps in Python on the
# host gives the same decisions and texts. It needs no python3-apt: the package states come
# from dpkg-query and `apt-cache policy`, versions are compared as dpkg compares them, and the
# changes are made by apt-get, dpkg and apt-mark, with Ansible's environment and options.
#
# Input (stdin, one JSON object): names (package specs), state (present, latest, absent),
# update_cache (true, false or null), cache_valid_time, update_cache_retries,
# update_cache_retry_max_delay, purge, deb (a path, or null), install_recommends (true, false or
# null), force, allow_downgrade, allow_unauthenticated, allow_change_held_packages, autoremove,
# fail_on_autoremove, only_upgrade, dpkg_options, upgrade (null, yes, safe, dist or full),
# force_apt_get, check, diff.
# Output (stdout): the line `tpx-apt-v1`, then one line of JSON: `failed` and `result`, the
# keys Ansible's apt returns (changed, msg, stdout, stderr, rc, cache_updated, ...), each text
# cut to its end within TEXT_CAP, and `msg_is_stdout` when msg is stdout (sent once).
#
# A deb file is read once, through a descriptor opened after checking that only root or the
# login user could have put it there (open_trusted), into a private copy dpkg reads.
import fnmatch
import json
import os
import random
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time

LISTS_PATH = '/var/lib/apt/lists'
SUCCESS_STAMP = '/var/lib/apt/periodic/update-success-stamp'
AUTOREMOVE_SAYS = 'The following packages will be REMOVED'
APT_GET_ZERO = '\n0 upgraded, 0 newly installed'


class Exit(Exception):
    """The module's answer: raised to leave from any depth, as Ansible's exit_json/fail_json."""

    def __init__(self, failed, **result):
        super().__init__()
        self.failed = failed
        self.result = result


def fail(msg, **more):
    return Exit(True, msg=msg, **more)


def locale_name():
    try:
        found = subprocess.run(['locale', '-a'], capture_output=True, text=True, check=False).stdout.split()
    except OSError:
        found = []
    for name in ('C.utf8', 'C.UTF-8', 'en_US.utf8', 'en_US.UTF-8', 'C', 'POSIX'):
        if name in found:
            return name
    return 'C'


def apt_environment():
    env = dict(os.environ)
    loc = locale_name()
    env.update(DEBIAN_FRONTEND='noninteractive', DEBIAN_PRIORITY='critical', LANG=loc, LC_ALL=loc, LC_MESSAGES=loc, LC_CTYPE=loc)
    return env


ENV = None


def run(argv):
    """Runs argv (never through a shell); returns rc, stdout, stderr as text."""
    global ENV
    if ENV is None:
        ENV = apt_environment()
    try:
        p = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=ENV, check=False)
    except OSError as e:
        return 127, '', str(e)
    return p.returncode, p.stdout.decode('utf-8', 'replace'), p.stderr.decode('utf-8', 'replace')


def tool(name):
    return shutil.which(name) or '/usr/bin/' + name


# --- Debian versions, compared as dpkg compares them ---------------------------------------

def _order(c):
    if c == '' or c.isdigit():
        return 0
    if 'a' <= c.lower() <= 'z':
        return ord(c)
    if c == '~':
        return -1
    return ord(c) + 256


def _compare_part(a, b):
    """dpkg's verrevcmp: non-digit runs by _order, then digit runs by value, in turn."""
    a += '\0'
    b += '\0'
    i = j = 0

    def at(s, k):
        return '' if s[k] == '\0' else s[k]

    while at(a, i) or at(b, j):
        first = 0
        while (at(a, i) and not a[i].isdigit()) or (at(b, j) and not b[j].isdigit()):
            ac, bc = _order(at(a, i)), _order(at(b, j))
            if ac != bc:
                return ac - bc
            i += 1
            j += 1
        while a[i] == '0':
            i += 1
        while b[j] == '0':
            j += 1
        while a[i].isdigit() and b[j].isdigit():
            if not first:
                first = ord(a[i]) - ord(b[j])
            i += 1
            j += 1
        if a[i].isdigit():
            return 1
        if b[j].isdigit():
            return -1
        if first:
            return first
    return 0


def _split_version(v):
    epoch = 0
    if ':' in v:
        e, v = v.split(':', 1)
        epoch = int(e) if e.isdigit() else 0
    upstream, _, revision = v.rpartition('-') if '-' in v else (v, '', '')
    return epoch, upstream, revision


def compare_versions(a, b):
    """Negative, zero or positive as version a sorts before, with or after b."""
    ea, ua, ra = _split_version(a)
    eb, ub, rb = _split_version(b)
    if ea != eb:
        return ea - eb
    return _compare_part(ua, ub) or _compare_part(ra, rb)


# --- what the host knows of a package --------------------------------------------------------

def split_spec(spec):
    """`foo=1.0` → (foo, '=', 1.0); `foo>=1.0` → (foo, '>=', 1.0); `foo` → (foo, None, None)."""
    m = re.search(r'>?=', spec)
    if not m:
        return spec, None, None
    return spec[:m.start()], m.group(0), spec[m.end():]


NATIVE_ARCH = []


def native_arch():
    """dpkg's own architecture (asked once)."""
    if not NATIVE_ARCH:
        rc, out, _ = run([tool('dpkg'), '--print-architecture'])
        NATIVE_ARCH.append(out.strip() if rc == 0 else '')
    return NATIVE_ARCH[0]


def dpkg_status(name):
    """
    (dpkg's status word, version) of a package, or ('', '') when dpkg does not know it. A name
    without `:ARCH` that dpkg knows for several architectures (multi-arch) means the native
    one's (or `all`), as apt reads such a name.
    """
    rc, out, _ = run(['dpkg-query', '-W', '-f=${db:Status-Status}\t${Version}\t${Architecture}\n', name])
    rows = [line.split('\t') for line in out.splitlines() if line]
    if rc != 0 or not rows:
        return '', ''
    if len(rows) > 1:
        native = native_arch()
        rows = [row for row in rows if len(row) > 2 and row[2] in (native, 'all')]
        if len(rows) != 1:
            return '', ''
    row = rows[0] + ['', '']
    return row[0], row[1]


def policy(name):
    """apt's view of a package: its candidate (or None) and every version it knows."""
    rc, out, _ = run(['apt-cache', 'policy', name])
    candidate = None
    versions = []
    for line in out.splitlines():
        m = re.match(r'^  Candidate: (\S+)$', line)
        if m:
            candidate = None if m.group(1) == '(none)' else m.group(1)
            continue
        m = re.match(r'^ (?:\*\*\*|   ) (\S+) (-?\d+)$', line)
        if m:
            versions.append(m.group(1))
    return candidate, versions


def providers(name):
    """The packages that provide a (virtual) package name."""
    rc, out, _ = run(['apt-cache', 'showpkg', name])
    found = []
    lines = out.splitlines()
    if 'Reverse Provides: ' in lines:
        for line in lines[lines.index('Reverse Provides: ') + 1:]:
            provider = line.split(' ', 1)[0]
            if provider and provider not in found:
                found.append(provider)
    return found


def best_version(candidate, versions, cmp, version):
    """The version apt would pick; a `=` pin picks the highest version matching it, or none."""
    if cmp != '=':
        return candidate
    matching = [v for v in versions if fnmatch.fnmatch(v, version)]
    best = None
    for v in matching:
        if best is None or compare_versions(v, best) > 0:
            best = v
    return best


def package_status(name, cmp, version, installing):
    """(installed, wanted version installed, version to install or True or None, has files)."""
    candidate, versions = policy(name)
    if not versions:
        if not installing:
            return False, False, None, False
        provided_by = providers(name)
        if not provided_by:
            raise fail("No package matching '%s' is available" % name)
        if len(provided_by) == 1:
            found = package_status(provided_by[0], cmp, version, True)
            if found[0]:
                return found
        return False, False, True, False
    status, installed_version = dpkg_status(name)
    has_files = status not in ('', 'not-installed')
    installed = status == 'installed'
    best = best_version(candidate, versions, cmp, version)
    if not installed:
        return False, False, best, has_files
    to_install = None
    if cmp == '=':
        wanted = fnmatch.fnmatch(installed_version, version)
        if best and best != installed_version and fnmatch.fnmatch(best, version):
            to_install = best
    elif cmp == '>=':
        wanted = compare_versions(installed_version, version) >= 0
        if best and best != installed_version and compare_versions(best, version) >= 0:
            to_install = best
    else:
        wanted = True
        if best and best != installed_version:
            to_install = best
    return True, wanted, to_install, has_files


# --- commands, as Ansible writes them (its message quotes the command line) -----------------

class Command:
    """An argv and the line Ansible shows for it (blanks where an option is left out)."""

    def __init__(self):
        self.argv = []
        self.words = []

    def add(self, *words, shown=None):
        self.argv.extend(words)
        self.words.append(' '.join(words) if shown is None else shown)
        return self

    def gap(self, flag, on):
        if on:
            return self.add(flag)
        self.words.append('')
        return self

    @property
    def line(self):
        return ' '.join(self.words)


def dpkg_option_words(options):
    words = []
    for opt in options.split(','):
        words.append('-o')
        words.append('Dpkg::Options::=--' + opt)
    return words


def add_dpkg_options(cmd, options):
    argv = dpkg_option_words(options)
    shown = ' '.join('-o "Dpkg::Options::=--%s"' % opt for opt in options.split(','))
    cmd.argv.extend(argv)
    cmd.words.append(shown)


def run_apt(cmd, diff):
    rc, out, err = run(cmd.argv)
    return rc, out, err, (parse_diff(out) if diff else {})


def parse_diff(out):
    lines = out.splitlines()
    start = -1
    for marker in ('Resolving dependencies...', 'Reading state information...'):
        if marker in lines:
            start = lines.index(marker)
            break
    end = len(lines)
    for i, line in enumerate(lines):
        if re.match(r'[0-9]+ (packages )?upgraded', line):
            end = i
            break
    return {'prepared': '\n'.join(lines[start + 1:end + 1])}


def mark_manual(names):
    if not names:
        return
    cmd = [tool('apt-mark'), 'manual'] + names
    rc, out, err = run(cmd)
    if rc != 0:
        raise fail("'%s' failed: %s" % (' '.join(cmd), err), stdout=out, stderr=err, rc=rc)


def install(req, specs, upgrade=False):
    """Installs what is missing (or, with upgrade, not the newest); returns (ok, result)."""
    chosen = []
    names = []
    for spec in specs:
        name, cmp, version = split_spec(spec)
        names.append(name)
        installed, wanted, to_install, _ = package_status(name, cmp, version, True)
        if not installed and req['only_upgrade']:
            continue
        if not wanted and not to_install:
            return False, {'msg': 'no available installation candidate for %s' % spec}
        if to_install and ((not installed and not req['only_upgrade']) or upgrade or not wanted):
            if to_install is not True:
                chosen.append('%s=%s' % (name, to_install))
            elif version:
                chosen.append('%s=%s' % (name, version))
            else:
                chosen.append(name)
        elif wanted and to_install and cmp == '=':
            chosen.append('%s=%s' % (name, version))
    if not chosen:
        result = (True, {'changed': False})
    else:
        cmd = Command().add(tool('apt-get')).add('-y')
        add_dpkg_options(cmd, req['dpkg_options'])
        cmd.gap('--only-upgrade', req['only_upgrade']).gap('--fix-broken', False).gap('--force-yes', req['force'])
        cmd.gap('--auto-remove', req['autoremove']).gap('--no-remove', req['fail_on_autoremove']).gap('--simulate', req['check'])
        cmd.add('install', *chosen, shown='install ' + ' '.join("'%s'" % c for c in chosen))
        recommends = req['install_recommends']
        if recommends is not None:
            cmd.argv.extend(['-o', 'APT::Install-Recommends=' + ('yes' if recommends else 'no')])
            cmd.words[-1] += ' -o APT::Install-Recommends=' + ('yes' if recommends else 'no')
        for flag, on in (('--allow-unauthenticated', req['allow_unauthenticated']), ('--allow-downgrades', req['allow_downgrade']),
                         ('--allow-change-held-packages', req['allow_change_held_packages'])):
            if on:
                cmd.argv.append(flag)
                cmd.words[-1] += ' ' + flag
        rc, out, err, diff = run_apt(cmd, req['diff'])
        if rc:
            result = (False, {'msg': "'%s' failed: %s" % (cmd.line, err), 'stdout': out, 'stderr': err, 'rc': rc})
        else:
            result = (True, {'changed': True, 'stdout': out, 'stderr': err, 'diff': diff})
    if not req['check']:
        mark_manual(names)
    return result


def remove(req, specs):
    chosen = []
    for spec in specs:
        name, cmp, version = split_spec(spec)
        _, wanted, _, has_files = package_status(name, cmp, version, False)
        if wanted or (has_files and req['purge']):
            chosen.append(spec)
    if not chosen:
        raise Exit(False, changed=False)
    quoted = ' '.join("'%s'" % c for c in chosen)
    cmd = Command().add(tool('apt-get')).add('-q').add('-y')
    add_dpkg_options(cmd, req['dpkg_options'])
    cmd.gap('--purge', req['purge']).gap('--force-yes', req['force']).gap('--auto-remove', req['autoremove']).gap('--simulate', req['check'])
    cmd.add('remove', *chosen, shown='remove ' + quoted)
    rc, out, err, diff = run_apt(cmd, req['diff'])
    if rc:
        raise fail("'apt-get remove %s' failed: %s" % (quoted, err), stdout=out, stderr=err, rc=rc)
    raise Exit(False, changed=True, stdout=out, stderr=err, diff=diff)


def autoremove(req):
    cmd = Command().add(tool('apt-get')).add('-y')
    add_dpkg_options(cmd, req['dpkg_options'])
    cmd.gap('--purge', req['purge']).gap('--force-yes', req['force']).add('autoremove').gap('--simulate', req['check'])
    rc, out, err, diff = run_apt(cmd, req['diff'])
    if rc:
        raise fail("'apt-get autoremove' failed: %s" % err, stdout=out, stderr=err, rc=rc)
    raise Exit(False, changed=AUTOREMOVE_SAYS in out, stdout=out, stderr=err, diff=diff)


def upgrade(req, mode):
    """Upgrades every package (upgrade: yes/safe/dist/full, or name '*' with latest) with apt-get."""
    use_apt_get = req['force_apt_get'] or shutil.which('aptitude') is None
    if not use_apt_get and mode in ('yes', 'safe', 'full'):
        raise fail("upgrade through aptitude (installed on this host) is not supported by tpx yet; set force_apt_get: true to upgrade with apt-get")
    auto = '--auto-remove' if req['autoremove'] else ''
    verb = ['dist-upgrade'] if mode in ('dist', 'full') else ['upgrade', '--with-new-pkgs']
    upgrade_command = '%s %s' % (' '.join(verb), auto)
    cmd = Command().add(tool('apt-get')).add('-y')
    add_dpkg_options(cmd, req['dpkg_options'])
    cmd.gap('--force-yes', req['force']).gap('--no-remove', req['fail_on_autoremove'])
    cmd.gap('--allow-unauthenticated', req['allow_unauthenticated']).gap('--allow-downgrades', req['allow_downgrade'])
    cmd.gap('--simulate', req['check']).add(*verb, shown=' '.join(verb))
    if auto:
        cmd.add(auto)
    rc, out, err, diff = run_apt(cmd, req['diff'])
    if rc:
        raise fail("'%s %s' failed: %s" % (tool('apt-get'), upgrade_command, err), stdout=out, rc=rc)
    if APT_GET_ZERO in out:
        raise Exit(False, changed=False, msg=out, stdout=out, stderr=err)
    raise Exit(False, changed=True, msg=out, stdout=out, stderr=err, diff=diff)


# --- a .deb file -------------------------------------------------------------------------------

def deb_field(path, field, named=lambda text: text):
    cmd = [tool('dpkg'), '--field', path, field]
    rc, out, err = run(cmd)
    if rc != 0:
        raise fail(named('%s failed' % ' '.join(cmd)), stdout=named(out), stderr=named(err))
    return out.strip('\n')


def installed_satisfies(relation):
    """Whether one alternative of a Depends field (`foo (>= 1.0)`, `foo:any`) is installed."""
    m = re.match(r'^\s*([^\s(:]+)(?::\S+)?\s*(?:\(\s*(<<|<=|=|>=|>>|<|>)\s*([^)\s]+)\s*\))?', relation)
    if not m:
        return False, ''
    name, op, version = m.group(1), m.group(2), m.group(3)
    status, installed = dpkg_status(name)
    if status != 'installed':
        return False, name
    if not op:
        return True, name
    c = compare_versions(installed, version)
    ok = {'<<': c < 0, '<': c <= 0, '<=': c <= 0, '=': c == 0, '>=': c >= 0, '>': c >= 0, '>>': c > 0}[op]
    return ok, name


def missing_dependencies(path):
    """The first alternative of each Depends/Pre-Depends group no installed package satisfies."""
    missing = []
    for field in ('Pre-Depends', 'Depends'):
        rc, text, _ = run([tool('dpkg-deb'), '-f', path, field])
        if rc != 0 or not text.strip():
            continue
        for group in text.replace('\n', ' ').split(','):
            alternatives = [a for a in group.split('|') if a.strip()]
            names = []
            satisfied = False
            for alternative in alternatives:
                ok, name = installed_satisfies(alternative)
                satisfied = satisfied or ok
                names.append(name)
            if not satisfied and names and names[0] and names[0] not in missing:
                missing.append(names[0])
    return missing


class Untrusted(Exception):
    """A deb path dpkg must not read as root: what is wrong with it (ENOENT: it is not there)."""

    def __init__(self, why, missing=False):
        super().__init__(why)
        self.why = why
        self.missing = missing


def trusted_uids():
    """Who may own a deb and its folders: root, the login user sudo ran this for, this process."""
    uids = {0, os.geteuid()}
    sudo_uid = os.environ.get('SUDO_UID', '')
    if sudo_uid.isdigit():
        uids.add(int(sudo_uid))
    return uids


def _kind(mode):
    for test, word in ((stat.S_ISDIR, 'a folder'), (stat.S_ISFIFO, 'a fifo'), (stat.S_ISSOCK, 'a socket'), (stat.S_ISCHR, 'a character device'),
                       (stat.S_ISBLK, 'a block device'), (stat.S_ISLNK, 'a symbolic link')):
        if test(mode):
            return word
    return 'not a regular file'


def _check_owner(st, what, where, uids):
    if st.st_uid not in uids:
        raise Untrusted('%s %s is owned by uid %d, not by root or the login user' % (what, where, st.st_uid))


def _check_dir(st, where, uids):
    _check_owner(st, 'the folder', where, uids)
    if st.st_mode & 0o022 and not st.st_mode & stat.S_ISVTX:
        raise Untrusted('the folder %s is writable by others (mode %04o)' % (where, stat.S_IMODE(st.st_mode)))


def open_trusted(path, uids):
    """
    Opens a deb so that no other user can have chosen or changed what is read: each folder from
    / down is walked by descriptor (never by name again), is owned by root or the login user and
    is writable by no one else unless sticky (where then every entry must be ours too); a
    symbolic link is followed only when one of them owns it; the file is opened without
    following a link and without blocking (a fifo), and must be a regular file of theirs that
    no one else can write. Returns the open descriptor.
    """
    todo = [p for p in path.split('/') if p not in ('', '.')]
    root = os.open('/', os.O_RDONLY | os.O_DIRECTORY)
    stack = [(root, '/')]
    hops = 0
    try:
        _check_dir(os.fstat(root), '/', uids)
        while todo:
            name = todo.pop(0)
            fd, where = stack[-1]
            if name == '..':
                if len(stack) > 1:
                    os.close(stack.pop()[0])
                continue
            here = os.path.join(where, name)
            try:
                st = os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                raise Untrusted('%s is not there' % here, missing=True)
            if stat.S_ISLNK(st.st_mode):
                _check_owner(st, 'the symbolic link', here, uids)
                hops += 1
                if hops > 40:
                    raise Untrusted('too many symbolic links')
                target = os.readlink(name, dir_fd=fd)
                if target.startswith('/'):
                    while len(stack) > 1:
                        os.close(stack.pop()[0])
                todo[:0] = [p for p in target.split('/') if p not in ('', '.')]
                continue
            if todo:
                if not stat.S_ISDIR(st.st_mode):
                    raise Untrusted('%s is not a folder' % here, missing=True)
                sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
                stack.append((sub, here))
                _check_dir(os.fstat(sub), here, uids)
                continue
            if not stat.S_ISREG(st.st_mode):
                raise Untrusted('%s is %s' % (here, _kind(st.st_mode)))
            f = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY, dir_fd=fd)
            st = os.fstat(f)
            try:
                if not stat.S_ISREG(st.st_mode):
                    raise Untrusted('%s is %s' % (here, _kind(st.st_mode)))
                _check_owner(st, 'the file', here, uids)
                if st.st_mode & 0o022:
                    raise Untrusted('the file %s is writable by others (mode %04o)' % (here, stat.S_IMODE(st.st_mode)))
            except Untrusted:
                os.close(f)
                raise
            return f
        raise Untrusted('%s is a folder' % path)
    except OSError as e:
        raise Untrusted('%s: %s' % (path, e.strerror or e))
    finally:
        for fd, _ in stack:
            os.close(fd)


def private_dir():
    """A new folder only root reads (mkdtemp: 0700, an unguessable name) in a folder others cannot swap it in."""
    for parent in ('/var/tmp', '/tmp'):
        try:
            st = os.lstat(parent)
        except OSError:
            continue
        if stat.S_ISDIR(st.st_mode) and st.st_uid in (0, os.geteuid()) and (not st.st_mode & 0o022 or st.st_mode & stat.S_ISVTX):
            return tempfile.mkdtemp(prefix='tpx-apt-deb-', dir=parent)
    return tempfile.mkdtemp(prefix='tpx-apt-deb-')


def copy_debs(paths, work):
    """Copies each deb, read once through a checked descriptor, into work; returns the copies' paths."""
    uids = trusted_uids()
    copies = []
    for i, path in enumerate(paths):
        try:
            fd = open_trusted(path, uids)
        except Untrusted as e:
            if e.missing:
                raise fail('Unable to install package: E:Could not open file %s - open (2: No such file or directory)' % path)
            raise fail('deb %s: refused: %s, so dpkg, as root, could install what another user put there; '
                       'move the file to a folder only root can write, owned by root and not writable by others' % (path, e.why))
        sub = os.path.join(work, str(i))
        os.mkdir(sub, 0o700)
        copy = os.path.join(sub, os.path.basename(path) or 'package.deb')
        with os.fdopen(fd, 'rb') as src, open(copy, 'xb') as dst:
            shutil.copyfileobj(src, dst)
        copies.append(copy)
    return copies


def install_deb(req):
    debs = req['deb'].split(',')
    work = private_dir()
    try:
        copies = copy_debs(debs, work)
        shown = dict(zip(copies, debs))
        install_copies(req, copies, shown)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def summarized(path):
    """A deb's path as dpkg's messages show it: whole when short, else `.../` and its end (30 characters or fewer, from a folder on)."""
    rest = path
    while len(rest) > 30 and '/' in rest:
        rest = rest[rest.index('/') + 1:]
    return path if rest == path else '.../' + rest


def install_copies(req, copies, shown):
    """Ansible's deb install, every dpkg step on the private copies; texts name the paths as given, as dpkg would have."""

    def named(text):
        for copy, path in shown.items():
            text = text.replace(copy, path)
            if summarized(copy) != summarized(path):
                text = text.replace(summarized(copy), summarized(path))
        return text

    to_install = []
    deps = []
    for copy in copies:
        name = deb_field(copy, 'Package', named)
        version = deb_field(copy, 'Version', named)
        status, installed = dpkg_status(name)
        if status == 'installed' and compare_versions(version, installed) == 0:
            continue
        if status == 'installed' and compare_versions(installed, version) > 0 and not (req['force'] or req['allow_downgrade']):
            raise fail('A later version is already installed')
        deps.extend(d for d in missing_dependencies(copy) if d not in deps)
        to_install.append(copy)
    changed = False
    result = {}
    if deps:
        ok, result = install(req, deps)
        if not ok:
            raise Exit(True, **result)
        changed = result.get('changed', False)
    if not to_install:
        raise Exit(False, changed=changed, stdout=result.get('stdout', ''), stderr=result.get('stderr', ''), diff=result.get('diff', ''))
    options = ['--' + opt for opt in req['dpkg_options'].split(',')]
    if req['check']:
        options.append('--simulate')
    if req['force']:
        options.append('--force-all')
    argv = [tool('dpkg')] + options + ['-i'] + to_install
    line = 'dpkg %s -i %s' % (' '.join(options), ' '.join(shown[c] for c in to_install))
    rc, out, err = run(argv)
    out, err = named(out), named(err)
    stdout = result.get('stdout', '') + out
    stderr = result.get('stderr', '') + err
    # As Ansible: the dependencies' diff (empty without --diff), else dpkg's output, even without --diff.
    if 'diff' in result:
        diff = result['diff']
        if 'prepared' in diff:
            diff['prepared'] += '\n\n' + out
    else:
        diff = parse_diff(out)
    if rc != 0:
        raise fail('%s failed' % line, stdout=stdout, stderr=stderr)
    raise Exit(False, changed=True, stdout=stdout, stderr=stderr, diff=diff)


# --- the cache -----------------------------------------------------------------------------

def cache_mtime():
    for path in (SUCCESS_STAMP, LISTS_PATH):
        if os.path.exists(path):
            return os.stat(path).st_mtime
    return 0


def update_cache(req):
    """Updates the package lists when asked and older than cache_valid_time: (updated, time)."""
    before = cache_mtime()
    if not (req['update_cache'] or req['cache_valid_time']):
        return False, int(before)
    if before + req['cache_valid_time'] >= time.time():
        return False, int(before)
    err = ''
    jitter = random.randint(0, 1000) / 1000.0
    for attempt in range(req['update_cache_retries']):
        if req['check']:
            break
        rc, out, stderr = run([tool('apt-get'), 'update', '-q'])
        if rc == 0 and not re.search(r'^(W: Failed to fetch|E: )', stderr, re.M):
            break
        err = stderr.strip() or out.strip()
        delay = 2 ** attempt + jitter
        if delay > req['update_cache_retry_max_delay']:
            delay = req['update_cache_retry_max_delay'] + jitter
        time.sleep(delay)
    else:
        raise fail('Failed to update apt cache: %s' % (err if err else 'unknown reason'))
    after = cache_mtime()
    return req['check'] or int(after) != int(before), int(after)


def main_steps(req):
    updated, update_time = update_cache(req)
    names = req['names']
    mode = req.get('upgrade')
    if (req['update_cache'] or req['cache_valid_time']) and not names and not mode and not req['deb']:
        raise Exit(False, changed=updated, cache_updated=updated, cache_update_time=update_time)
    if mode:
        upgrade(req, mode)
    if req['deb']:
        if req['state'] != 'present':
            raise fail('deb only supports state=present')
        install_deb(req)
    specs = [n.strip() for n in names if n != '*']
    if req['state'] == 'latest' and '*' in names:
        if specs:
            raise fail('unable to install additional packages when upgrading all installed packages')
        upgrade(req, 'yes')
    for spec in specs:
        if spec.count('=') > 1:
            raise fail('invalid package spec: %s' % spec)
    if not specs and req['autoremove']:
        autoremove(req)
    if req['state'] in ('present', 'latest'):
        ok, result = install(req, specs, upgrade=req['state'] == 'latest')
        result.update(cache_updated=updated, cache_update_time=update_time)
        raise Exit(not ok, **result)
    remove(req, specs)


# The most each text of the answer takes, JSON-encoded: stdout, stderr, msg and the diff's text
# together stay under the controller's default tpx_output_limit (1 MiB), beyond which it keeps
# only the start and the end of the answer, and the answer would not read back.
TEXT_CAP = 192 * 1024


def json_size(text):
    """Bytes of the text in the answer, at most (escaped to ASCII, it takes at least as many as in UTF-8)."""
    return len(json.dumps(text))


def capped(text):
    """The text, or its end within TEXT_CAP (from a line's start), after a line saying how much was cut."""
    if not isinstance(text, str) or json_size(text) <= TEXT_CAP:
        return text
    room = TEXT_CAP - 200
    low, high = 0, len(text)
    while low < high:
        mid = (low + high) // 2
        if json_size(text[mid:]) <= room:
            high = mid
        else:
            low = mid + 1
    start = text.find('\n', low, low + 4096)
    start = low if start < 0 else start + 1
    return '[tpx: the first %d characters were cut, to keep the answer under %d KiB]\n%s' % (start, TEXT_CAP // 1024, text[start:])


def answer_line(answer):
    """The answer's JSON: each text capped, and a msg that is stdout sent once (Ansible's upgrade returns both)."""
    result = dict(answer.result)
    doc = {'failed': answer.failed}
    if 'msg' in result and 'stdout' in result and result['msg'] == result['stdout']:
        del result['msg']
        doc['msg_is_stdout'] = True
    for key in ('msg', 'stdout', 'stderr'):
        if key in result:
            result[key] = capped(result[key])
    if isinstance(result.get('diff'), dict) and 'prepared' in result['diff']:
        result['diff'] = dict(result['diff'], prepared=capped(result['diff']['prepared']))
    doc['result'] = result
    return json.dumps(doc, ensure_ascii=False)


def main():
    req = json.loads(sys.stdin.read())
    try:
        main_steps(req)
        answer = Exit(True, msg='Unexpected code path taken, we really should have exited before, this is a bug')
    except Exit as done:
        answer = done
    out = ('tpx-apt-v1\n' + answer_line(answer) + '\n').encode('utf-8', 'replace')
    sys.stdout.buffer.write(out)
    sys.stdout.flush()


if __name__ == '__main__':
    main()
