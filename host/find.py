# find.py — the host side of tpx's find module (src/modules/find.ts sends it as one command:
# `cd / && python3 -E -s -S -c SCRIPT`, its input on stdin as JSON).
#
# Why python3: find's `patterns` are Python's fnmatch (or, with use_regex, Python's re matched
# at the start of each name) and `contains` is a Python regular expression, and its answer is
# a list of os.lstat() records: Python on the host gives exactly what Ansible's find gives.
#
# It only reads. Input (stdin, one JSON object): paths, patterns, excludes, contains,
# read_whole_file, file_type, age (seconds, or null), age_stamp, size (bytes, or null), recurse,
# hidden, follow, get_checksum, use_regex, depth (or null), max (most bytes of answer).
# Output (stdout): the line `tpx-find-v1`, then one line of JSON: files, examined, skipped_paths,
# or error `large` (the list would not fit in max bytes) with the count found so far.
import fnmatch
import grp
import hashlib
import json
import os
import pwd
import re
import stat
import sys
import time

MODE_BITS = (
    ('wusr', stat.S_IWUSR), ('rusr', stat.S_IRUSR), ('xusr', stat.S_IXUSR),
    ('wgrp', stat.S_IWGRP), ('rgrp', stat.S_IRGRP), ('xgrp', stat.S_IXGRP),
    ('woth', stat.S_IWOTH), ('roth', stat.S_IROTH), ('xoth', stat.S_IXOTH),
    ('isuid', stat.S_ISUID), ('isgid', stat.S_ISGID),
)


class TooLarge(Exception):
    pass


def answer(doc):
    sys.stdout.write('tpx-find-v1\n' + json.dumps(doc) + '\n')
    sys.exit(0)


def name_of(lookup, ident):
    try:
        return lookup(ident)[0]
    except (KeyError, OverflowError):
        return ''


def describe(path, st):
    mode = st.st_mode
    record = {
        'path': path,
        'mode': '%04o' % stat.S_IMODE(mode),
        'isdir': stat.S_ISDIR(mode), 'ischr': stat.S_ISCHR(mode), 'isblk': stat.S_ISBLK(mode),
        'isreg': stat.S_ISREG(mode), 'isfifo': stat.S_ISFIFO(mode), 'islnk': stat.S_ISLNK(mode),
        'issock': stat.S_ISSOCK(mode),
        'uid': st.st_uid, 'gid': st.st_gid, 'size': st.st_size, 'inode': st.st_ino,
        'dev': st.st_dev, 'nlink': st.st_nlink,
        'atime': st.st_atime, 'mtime': st.st_mtime, 'ctime': st.st_ctime,
        'gr_name': name_of(grp.getgrgid, st.st_gid), 'pw_name': name_of(pwd.getpwuid, st.st_uid),
    }
    for key, bit in MODE_BITS:
        record[key] = bool(mode & bit)
    return record


def sha1_of(path):
    digest = hashlib.sha1()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(65536), b''):
            digest.update(block)
    return digest.hexdigest()


class Finder:
    def __init__(self, spec):
        self.spec = spec
        self.now = time.time()
        self.files = []
        self.size = 0
        self.examined = 0
        self.skipped = {}

    def name_matches(self, name):
        spec = self.spec
        if spec['use_regex']:
            test = lambda p: re.match(p, name) is not None
        else:
            test = lambda p: fnmatch.fnmatch(name, p)
        if not any(test(p) for p in spec['patterns']):
            return False
        return not any(test(e) for e in spec['excludes'] or [])

    def age_ok(self, st):
        age = self.spec['age']
        if age is None:
            return True
        elapsed = self.now - getattr(st, 'st_' + self.spec['age_stamp'])
        return elapsed >= abs(age) if age >= 0 else elapsed <= abs(age)

    def size_ok(self, st):
        size = self.spec['size']
        if size is None:
            return True
        return st.st_size >= abs(size) if size >= 0 else st.st_size <= abs(size)

    def contains_ok(self, path):
        pattern = self.spec['contains']
        if pattern is None:
            return True
        regex = re.compile(pattern)
        try:
            with open(path, encoding='utf-8') as f:
                if self.spec['read_whole_file']:
                    return regex.search(f.read()) is not None
                return any(regex.match(line) for line in f)
        except Exception:
            return False

    def keep(self, record):
        self.size += len(json.dumps(record)) + 2
        if self.size > self.spec['max']:
            raise TooLarge()
        self.files.append(record)

    def consider(self, name, path, st):
        kind = self.spec['file_type']
        regular = stat.S_ISREG(st.st_mode)
        if kind == 'any':
            if not (self.name_matches(name) and self.age_ok(st)):
                return
            record = describe(path, st)
            if regular and self.spec['get_checksum']:
                record['checksum'] = sha1_of(path)
            if not regular or self.size_ok(st):
                self.keep(record)
        elif kind == 'directory' and stat.S_ISDIR(st.st_mode):
            if self.name_matches(name) and self.age_ok(st):
                self.keep(describe(path, st))
        elif kind == 'file' and regular:
            if self.name_matches(name) and self.age_ok(st) and self.size_ok(st) and self.contains_ok(path):
                record = describe(path, st)
                if self.spec['get_checksum']:
                    record['checksum'] = sha1_of(path)
                self.keep(record)
        elif kind == 'link' and stat.S_ISLNK(st.st_mode):
            if self.name_matches(name) and self.age_ok(st):
                self.keep(describe(path, st))

    def search(self, top):
        if not os.path.isdir(top):
            raise Exception("'%s' is not a directory" % top)
        levels = self.spec['depth']
        base_seps = (top.rstrip(os.sep) + os.sep).count(os.sep)

        def stop(error):
            raise error

        for root, dirs, names in os.walk(top, onerror=stop, followlinks=self.spec['follow']):
            self.examined += len(names) + len(dirs)
            for name in names + dirs:
                path = os.path.normpath(os.path.join(root, name))
                if levels and path.count(os.sep) - base_seps + 1 > levels:
                    dirs[:] = []
                    continue
                if name.startswith('.') and not self.spec['hidden']:
                    continue
                try:
                    st = os.lstat(path)
                except OSError as e:
                    self.skipped[path] = str(e)
                    continue
                self.consider(name, path, st)
            if not self.spec['recurse']:
                break


def main():
    spec = json.loads(sys.stdin.read())
    finder = Finder(spec)
    for given in spec['paths']:
        top = os.path.expanduser(os.path.expandvars(given))
        try:
            finder.search(top)
        except TooLarge:
            answer({'error': 'large', 'found': len(finder.files)})
        except Exception as e:
            finder.skipped[top] = str(e)
    answer({'files': finder.files, 'examined': finder.examined, 'skipped_paths': finder.skipped})


main()
