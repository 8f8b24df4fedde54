# replace.py — the host side of tpx's replace module (src/modules/replace.ts sends it as one
# command: `cd / && python3 -E -s -S -c SCRIPT`, its input on stdin as JSON).
#
# Why python3: the module's regexp and replacement are Python's (re.MULTILINE, a section taken
# with re.DOTALL, re.subn with \1 and \g<name>, Unicode classes, empty matches), so they are run
# by Python's re on the host, as Ansible runs them there, rather than translated.
#
# It only reads: the file (its real path, as Ansible follows a link at path; a regular file only,
# opened without blocking, so a FIFO put there cannot hang it) is read, the
# replacements made in memory, and the answer printed; the controller writes the new content
# back through a new file of its own in the file's directory (write-file-command.ts).
#
# Hostile ground: it runs after the walk root writes by (write-file-command.ts, editedPathWalk),
# which ends the command before this program starts when another user's link is on the way to
# path (a link to /etc in /tmp) or their link or file is at its name in a world-writable
# directory, and it reads the file the walk resolved, opened where the walk checked it
# (TPX_REPLACE_PATH: /proc/self/fd/4, inherited; the resolved path without /proc). Before anything is
# followed or read, each link that path still leads through (one swapped in since) and the file it
# ends at are checked again (check_path): one another user may have put in a world-writable
# directory (/tmp) is refused, so that user does not choose the file root edits.
#
# Input (stdin, one JSON object): path, regexp, replace, after, before, encoding, diff (send the
# old content too), max (most bytes of a file read; a larger one is refused, not read whole).
# Output (stdout): the line `tpx-replace-v1`, then one line of JSON: real (the path written),
# and error (`directory`, `absent`, `large`, `regexp`, `encoding`, `read`, `untrusted`) with size and message,
# or msg, count, changed, and with changed the new (and with diff the old) content in base64.
import base64
import json
import os
import pwd
import re
import stat
import sys


def answer(doc):
    sys.stdout.write('tpx-replace-v1\n' + json.dumps(doc) + '\n')
    sys.exit(0)


def asked_uid(owner):
    """The uid of the owner the task asks for (a name or a number), else None."""
    if not owner:
        return None
    try:
        return pwd.getpwnam(owner).pw_uid
    except KeyError:
        return int(owner) if owner.isdigit() else None


def check_path(path, owner):
    """
    The message refusing `path`, or a link on the way from it (up to 40) or the file it ends at,
    that is in a world-writable directory and belongs to another user than us, the directory's
    owner and `owner`, or a file with other hard links there; else None.
    """
    trusted = (0, os.geteuid(), asked_uid(owner))
    for _ in range(41):
        try:
            st = os.lstat(path)
            dir_st = os.stat(os.path.dirname(path) or '.')
        except OSError:
            return None
        if dir_st.st_mode & stat.S_IWOTH:
            if st.st_uid not in trusted + (dir_st.st_uid,):
                return ('%s belongs to uid %d in a world-writable directory: another user may have put it there, and it is not '
                        'followed, replaced or changed; remove it, or choose a directory only trusted users can write' % (path, st.st_uid))
            if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
                return ('%s has other hard links, in a world-writable directory: another user may have linked it there, and it is '
                        'not replaced or changed' % path)
        if not stat.S_ISLNK(st.st_mode):
            return None
        path = os.path.join(os.path.dirname(path), os.readlink(path))
    return None


def main():
    spec = json.loads(sys.stdin.read())
    path = os.environ.get('TPX_REPLACE_PATH') or spec['path']
    refused = check_path(path, spec.get('owner'))
    if refused:
        answer({'real': path, 'error': 'untrusted', 'message': refused})
    real = os.path.realpath(path)
    if os.path.isdir(path):
        answer({'real': real, 'error': 'directory'})
    if not os.path.exists(path):
        answer({'real': real, 'error': 'absent'})
    try:
        # Non-blocking: a FIFO (or a device) put at path must not hang the task; only a regular
        # file is read (and could be written back).
        # path, not real: TPX_REPLACE_PATH is the file opened where the walk checked it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        with os.fdopen(fd, 'rb') as f:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                answer({'real': real, 'error': 'read', 'message': 'not a regular file'})
            data = f.read(spec['max'] + 1)
    except OSError as e:
        answer({'real': real, 'error': 'read', 'message': str(e)})
    if len(data) > spec['max']:
        answer({'real': real, 'error': 'large', 'size': os.stat(path).st_size})
    encoding = spec['encoding']
    try:
        contents = data.decode(encoding, 'surrogateescape')
    except LookupError as e:
        answer({'real': real, 'error': 'encoding', 'message': str(e)})

    after, before = spec.get('after'), spec.get('before')
    pattern = ''
    if after and before:
        pattern = '%s(?P<subsection>.*?)%s' % (after, before)
    elif after:
        pattern = '%s(?P<subsection>.*)' % after
    elif before:
        pattern = '(?P<subsection>.*)%s' % before
    try:
        if pattern:
            match = re.search(re.compile(pattern, re.DOTALL), contents)
            if not match:
                answer({'real': real, 'changed': False, 'msg': 'Pattern for before/after params did not match the given file: %s' % pattern, 'count': 0, 'section': False})
            section = match.group('subsection')
            start, end = match.start('subsection'), match.end('subsection')
        else:
            section = contents
        new_section, count = re.subn(re.compile(spec['regexp'], re.MULTILINE), spec['replace'], section, 0)
    except (re.error, IndexError) as e:
        answer({'real': real, 'error': 'regexp', 'message': '%s: %s' % (type(e).__name__, e)})

    if count == 0 or new_section == section:
        answer({'real': real, 'changed': False, 'msg': '', 'count': count})
    result = contents[:start] + new_section + contents[end:] if pattern else new_section
    doc = {'real': real, 'changed': True, 'msg': '%s replacements made' % count, 'count': count}
    doc['new'] = base64.b64encode(result.encode(encoding, 'surrogateescape')).decode('ascii')
    if spec['diff']:
        doc['old'] = base64.b64encode(data).decode('ascii')
    answer(doc)


main()
