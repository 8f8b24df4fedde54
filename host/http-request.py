# http-request.py — the host side of tpx's uri and get_url modules (src/modules/http-request.ts
# sends it as one command: `cd / && python3 -E -s -S -c SCRIPT`, the request on stdin as JSON).
#
# Why python3 rather than curl or wget: the request is made where Ansible makes it, by the
# library Ansible uses (urllib), so the status lines, the error texts ("HTTP Error 404: Not
# Found", "<urlopen error [Errno 111] Connection refused>", "timed out"), the redirect rules per
# method, the headers sent and the parsing of the answer are the same; hashlib, json, gzip and
# O_EXCL/dir_fd file calls come with it. Debian installs neither curl nor wget by default, and
# a host Ansible manages has python3 already. Nothing outside the standard library is imported,
# and `cd /`, -E -s -S keep the environment, the user's site and the working directory out.
#
# Input (stdin, one JSON object): what src/modules/http-request.ts builds; secrets (passwords,
# Authorization headers) come only this way, never on a command line.
# Output (stdout): the line `tpx-http-v1`, then one line of JSON: `{"uri": {...}}` (what the
# request gave, for the controller to build uri's result) or `{"get_url": {...}}` (get_url's
# result, whole). Bodies are kept in memory up to `max_content` bytes only.
#
# Hostile ground: get_url writes dest through a new file of its own in dest's directory
# (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0600, a random name), renamed into place; dest and every
# file it reads are opened relative to their directory with O_NOFOLLOW, so a link placed at
# dest is refused, never followed. The path to dest is walked from / one entry at a time, and an
# entry another user may have put in a world-writable directory (/tmp) is not trusted: not a
# link, a directory or a file to replace (the kernel's protected_symlinks rule, applied to all).
import base64
import errno
import grp
import gzip
import hashlib
import http.client
import http.cookiejar
import json
import netrc
import os
import pwd
import re
import secrets
import ssl
import stat
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

MARK = 'tpx-http-v1'
CHUNK = 64 * 1024
JSON_TYPES = ('json', 'javascript')


class Done(Exception):
    """Ends get_url with its result (failed or not)."""

    def __init__(self, result):
        super().__init__('done')
        self.result = result


class Fatal(Exception):
    """A request that could not even be tried (Ansible's fail_json inside fetch_url)."""


def redirect_handler(policy):
    class Redirects(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, req, fp, code, msg, headers, newurl):
            # http and https only (urllib itself refuses file: and data:, not ftp:).
            if urllib.parse.urlsplit(newurl).scheme.lower() not in ('http', 'https'):
                raise urllib.error.HTTPError(newurl, code, "%s - Redirection to url '%s' is not allowed" % (msg, newurl), headers, fp)
            if policy == 'urllib2':
                return super().redirect_request(req, fp, code, msg, headers, newurl)
            if policy in ('no', 'none'):
                raise urllib.error.HTTPError(newurl, code, msg, headers, fp)
            method = req.get_method()
            allowed = 300 <= code < 400 and (policy in ('all', 'yes') or (policy == 'safe' and method in ('GET', 'HEAD')))
            if not allowed:
                raise urllib.error.HTTPError(req.get_full_url(), code, msg, headers, fp)
            data = req.data
            if code in (307, 308):
                kept = dict(req.header_items())
            else:
                data = None
                kept = {k: v for k, v in req.header_items() if k.lower() not in ('content-length', 'content-type', 'transfer-encoding')}
                if code in (302, 303) and method != 'HEAD':
                    method = 'GET'
                elif code == 301 and method == 'POST':
                    method = 'GET'
            # Unredirected headers (and the auth ones) stay with the first request.
            kept = {k: v for k, v in kept.items() if k not in req.unredirected_hdrs}
            return urllib.request.Request(newurl.replace(' ', '%20'), data=data, headers=kept, method=method,
                                          origin_req_host=req.origin_req_host, unverifiable=True)

    return Redirects


def basic_auth(user, password):
    return b'Basic ' + base64.b64encode(('%s:%s' % (user, password or '')).encode('utf-8', 'surrogateescape'))


def open_request(spec, url, method, data, headers, if_modified_since=None):
    """Opens the request as Ansible's open_url does; returns the response (raises as urllib raises)."""
    handlers = []
    parsed = urllib.parse.urlparse(url)
    user, password = spec.get('url_username'), spec.get('url_password')
    netloc = parsed.netloc
    if not user and '@' in parsed.netloc:
        credentials, netloc = parsed.netloc.split('@', 1)
        user, _, password = credentials.partition(':')
        user, password = urllib.parse.unquote(user), urllib.parse.unquote(password)
        url = urllib.parse.urlunparse(parsed._replace(netloc=netloc))
    headers = dict(headers)
    if user and not spec.get('force_basic_auth'):
        passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        passwords.add_password(None, netloc, user, password)
        handlers += [urllib.request.HTTPBasicAuthHandler(passwords), urllib.request.HTTPDigestAuthHandler(passwords)]
    elif user:
        headers['Authorization'] = basic_auth(user, password)
    elif spec.get('use_netrc', True):
        try:
            login = netrc.netrc(os.environ.get('NETRC')).authenticators(parsed.hostname or '')
        except (OSError, netrc.NetrcParseError):
            login = None
        if login and login[0] and login[2]:
            headers['Authorization'] = basic_auth(login[0], login[2])
    if not spec.get('use_proxy', True):
        handlers.append(urllib.request.ProxyHandler({}))
    context = ssl.create_default_context()
    if not spec.get('validate_certs', True):
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    handlers.append(urllib.request.HTTPSHandler(context=context))
    handlers.append(redirect_handler(spec.get('follow_redirects', 'safe')))
    jar = http.cookiejar.LWPCookieJar()
    handlers.append(urllib.request.HTTPCookieProcessor(jar))
    opener = urllib.request.build_opener(*handlers)
    request = urllib.request.Request(url, data=data, method=method)
    if spec.get('http_agent'):
        request.add_header('User-agent', spec['http_agent'])
    if spec.get('force'):
        request.add_header('cache-control', 'no-cache')
    elif if_modified_since is not None:
        request.add_header('If-Modified-Since', time.strftime('%a, %d %b %Y %H:%M:%S GMT', time.gmtime(if_modified_since)))
    unredirected = [h.lower() for h in spec.get('unredirected_headers') or []]
    for name, value in headers.items():
        if name.lower() in unredirected:
            request.add_unredirected_header(name, value)
        else:
            request.add_header(name, value)
    return opener.open(request, None, spec.get('timeout', 30)), jar


def lower_headers(message, join):
    out = {}
    for name, value in message.items():
        name = name.lower()
        out[name] = '%s, %s' % (out[name], value) if join and name in out else value
    return out


def read_bounded(fp, limit):
    data = fp.read(limit + 1)
    return data[:limit], len(data) > limit


def fetch(spec, url, method='GET', data=None, headers=None, if_modified_since=None):
    """
    Makes the request as Ansible's fetch_url: returns (response or None, info). info holds the
    url, status, msg, the lower-cased headers and, after an HTTP error, its body (bounded).
    """
    info = {'url': url, 'status': -1}
    try:
        response, jar = open_request(spec, url, method, data, headers or {}, if_modified_since)
        info.update(lower_headers(response.headers, True))
        cookies = [(c.name, c.value) for c in jar]
        info['cookies_string'] = '; '.join('%s=%s' % c for c in cookies)
        info['cookies'] = dict(cookies)
        info.update(msg='OK (%s bytes)' % response.headers.get('Content-Length', 'unknown'), url=response.geturl(), status=response.status)
        return response, info
    except ValueError as e:
        # http.client names a bad header by its value (an Authorization header's secret).
        raise Fatal('Invalid header value (not shown)' if str(e).startswith('Invalid header value') else str(e))
    except urllib.error.HTTPError as e:
        body, too_large = b'', False
        if e.fp is not None:
            body, too_large = read_bounded(e, spec.get('max_content', 1 << 20))
            e.close()
        # The body stays out of info, where a header of that name would take its place.
        e.tpx_body = (body, too_large)
        info.update(lower_headers(e.headers or {}, False))
        info.update(msg=str(e), status=e.code)
        return e, info
    except urllib.error.URLError as e:
        info.update(msg='Request failed: %s' % e, status=int(getattr(e, 'code', -1)))
    except OSError as e:
        info.update(msg='Connection failure: %s' % e, status=-1)
    except http.client.BadStatusLine as e:
        info.update(msg='Connection failure: connection was closed before a valid response was received: %s' % e.line, status=-1)
    except Exception as e:
        info.update(msg='An unknown error occurred: %s' % e, status=-1)
    return None, info


def body_reader(response, decompress):
    if decompress and response.headers.get('content-encoding', '').lower() == 'gzip':
        return gzip.GzipFile(fileobj=response, mode='rb')
    return response


def content_kind(response):
    """Content type, whether it is JSON, and its charset, as Ansible's parse_content_type reads them."""
    headers = getattr(response, 'headers', None)
    if response is None or headers is None or getattr(response, 'fp', None) is None:
        return 'application/octet-stream', False, 'utf-8'
    content_type = (headers.get_content_type() or 'application/octet-stream').split(',')[0]
    sub_type = content_type.partition('/')[2]
    charset = (headers.get_param('charset') or 'utf-8').split(',')[0]
    if '+' in sub_type:
        sub_type = sub_type.partition('+')[2]
    return content_type, sub_type.lower() in JSON_TYPES, charset


def decode(data, charset):
    try:
        return data.decode(charset, 'replace')
    except LookupError:
        return data.decode('utf-8', 'replace')


def uri(spec):
    for path, want in ((spec.get('creates'), True), (spec.get('removes'), False)):
        if path and os.path.exists(os.path.expanduser(path)) == want:
            return {'skipped': "skipped, since '%s' %s" % (path, 'exists' if want else 'does not exist')}
    body = spec.get('body')
    data = None if body is None else base64.b64decode(body)
    start = time.time()
    response, info = fetch(spec, spec['url'], spec['method'], data, spec.get('headers'))
    elapsed = int(time.time() - start)
    _, maybe_json, charset = content_kind(response)
    limit = spec['max_content']
    out = {'info': info, 'elapsed': elapsed}
    error_body, error_body_too_large = getattr(response, 'tpx_body', (None, False))
    if maybe_json or spec['return_content'] or info['status'] not in spec['status_code']:
        if response is not None and error_body is None and not getattr(response, 'closed', True):
            content, out['too_large'] = read_bounded(body_reader(response, spec.get('decompress', True)), limit)
        else:
            content, out['too_large'] = error_body or b'', error_body_too_large
        text = decode(content, charset)
        out['content'] = text
        if maybe_json:
            try:
                out['json'] = json.loads(text)
            except Exception:  # as Ansible: not JSON (or nested deeper than Python reads) is no json
                pass
    elif error_body is not None:
        # Ansible leaves the error's body in the result when the status was expected.
        out['body'] = decode(error_body, 'utf-8')
    return out


# ---------------------------------------------------------------------------------------------
# get_url: files, opened relative to their directory, never through a link at the last step.

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


class Untrusted(Exception):
    """An entry on the way to dest that another user may have put there: get_url stops."""


def check_entry(dir_st, st, path, owner=-1):
    """
    Refuses an entry of a world-writable directory (/tmp) that is not ours, nor the directory
    owner's, nor `owner` (the one the task asks for): another user may have put it there to be
    followed (a link, a directory) or replaced with its ownership kept (a file). A file with other
    hard links there may be someone else's file, linked in.
    """
    if not dir_st.st_mode & stat.S_IWOTH:
        return
    if st.st_uid not in (os.geteuid(), dir_st.st_uid, owner):
        raise Untrusted('%s belongs to uid %d in a world-writable directory: another user may have put it there, and get_url '
                        'does not follow, replace or change it; remove it, or choose a directory only trusted users can write'
                        % (path, st.st_uid))
    if stat.S_ISREG(st.st_mode) and st.st_nlink > 1:
        raise Untrusted('%s has other hard links, in a world-writable directory: another user may have linked it there, '
                        'and get_url does not replace or change it' % path)


def open_dir(path):
    """
    Opens the directory `path` (absolute), walked from / one entry at a time: a symbolic link is
    followed by walking its target the same way, and no entry check_entry refuses is used.
    """
    todo = [p for p in path.split('/') if p not in ('', '.')]
    fd = os.open('/', DIR_FLAGS)
    walked, links = '', 0
    try:
        while todo:
            part = todo.pop(0)
            if part == '..':
                up = os.open('..', DIR_FLAGS, dir_fd=fd)
                os.close(fd)
                fd, walked = up, walked + '/..'
                continue
            here = walked + '/' + part
            st = lstat_at(fd, part)
            if st is None:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), here)
            check_entry(os.fstat(fd), st, here)
            if stat.S_ISLNK(st.st_mode):
                links += 1
                if links > 40:
                    raise OSError(errno.ELOOP, os.strerror(errno.ELOOP), path)
                target = os.readlink(part, dir_fd=fd)
                todo[:0] = [p for p in target.split('/') if p not in ('', '.')]
                if target.startswith('/'):
                    os.close(fd)
                    fd, walked = os.open('/', DIR_FLAGS), ''
                continue
            if not stat.S_ISDIR(st.st_mode):
                raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), here)
            sub = os.open(part, DIR_FLAGS | os.O_NOFOLLOW, dir_fd=fd)
            opened = os.fstat(sub)
            os.close(fd)
            fd, walked = sub, here
            if (opened.st_dev, opened.st_ino) != (st.st_dev, st.st_ino):
                raise Untrusted('%s was replaced while get_url opened it' % here)
        return fd
    except BaseException:
        os.close(fd)
        raise


def lstat_dest(dest, owner):
    """dest's own entry as os.lstat gives it (a directory when dest ends with /), None when absent."""
    directory, name = os.path.split(dest)
    try:
        dfd = open_dir(directory)
    except (FileNotFoundError, NotADirectoryError):
        return None
    try:
        if name == '':
            return os.fstat(dfd)
        st = lstat_at(dfd, name)
        if st is not None and not stat.S_ISDIR(st.st_mode):
            check_entry(os.fstat(dfd), st, dest, owner)
        return st
    finally:
        os.close(dfd)


def lstat_at(dfd, name):
    try:
        return os.stat(name, dir_fd=dfd, follow_symlinks=False)
    except FileNotFoundError:
        return None


def open_regular(dfd, name, path, owner):
    """The existing regular file `name` in dfd, opened without following a link (None when absent)."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dfd)
    except FileNotFoundError:
        return None
    except OSError as e:
        if e.errno == 40:  # ELOOP: a symbolic link
            raise Done({'failed': True, 'msg': '%s is a symbolic link; get_url does not follow links (not supported yet)' % path})
        raise
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        os.close(fd)
        raise Done({'failed': True, 'msg': '%s exists and is not a regular file' % path})
    check_entry(os.fstat(dfd), st, path, owner)
    return fd


def digest_fd(fd, algorithm):
    h = hashlib.new(algorithm)
    os.lseek(fd, 0, os.SEEK_SET)
    while True:
        chunk = os.read(fd, CHUNK)
        if not chunk:
            return h.hexdigest()
        h.update(chunk)


def new_temp(dfd):
    while True:
        name = '.tpx-get_url.%s' % secrets.token_hex(8)
        try:
            return name, os.open(name, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dfd)
        except FileExistsError:
            continue


def resolve_id(value, by_name, kind):
    if value is None:
        return -1
    if re.match(r'^\d+$', str(value)):
        return int(value)
    try:
        return by_name(value)[2]
    except KeyError:
        raise Done({'failed': True, 'msg': 'chown failed: failed to look up %s %s' % (kind, value)})


def set_attributes(fd, spec, check):
    """Applies mode, owner and group to an open file; True when something differed."""
    st = os.fstat(fd)
    uid = resolve_id(spec.get('owner'), pwd.getpwnam, 'user')
    gid = resolve_id(spec.get('group'), grp.getgrnam, 'group')
    changed = False
    if (uid != -1 and uid != st.st_uid) or (gid != -1 and gid != st.st_gid):
        changed = True
        if not check:
            os.fchown(fd, uid, gid)
    mode = spec.get('mode')
    if mode is not None and stat.S_IMODE(st.st_mode) != mode:
        changed = True
        if not check:
            os.fchmod(fd, mode)
    return changed


def path_info(path):
    """What Ansible adds to a result naming a path that exists."""
    try:
        st = os.lstat(path)
    except OSError:
        return {}
    try:
        owner = pwd.getpwuid(st.st_uid)[0]
    except KeyError:
        owner = str(st.st_uid)
    try:
        group = grp.getgrgid(st.st_gid)[0]
    except KeyError:
        group = str(st.st_gid)
    if stat.S_ISLNK(st.st_mode):
        state = 'link'
    elif stat.S_ISDIR(st.st_mode):
        state = 'directory'
    elif st.st_nlink > 1:
        state = 'hard'
    else:
        state = 'file'
    return {'uid': st.st_uid, 'gid': st.st_gid, 'owner': owner, 'group': group, 'mode': '0%03o' % stat.S_IMODE(st.st_mode),
            'state': state, 'size': st.st_size}


def url_filename(url):
    return os.path.basename(urllib.parse.urlsplit(url)[2]) or 'index.html'


def checksum_from_url(spec, result):
    response, info = fetch(spec, spec['checksum_url'], 'GET', None, spec.get('headers'))
    if info['status'] == -1:
        raise Done(dict(result, failed=True, msg=info['msg']))
    if info['status'] != 200:
        raise Done(dict(result, failed=True, msg='Request failed', status_code=info['status'], response=info['msg']))
    data, too_large = read_bounded(response, 1 << 20)
    if too_large:
        raise Done(dict(result, failed=True, msg='the checksum file %s is larger than 1 MiB' % spec['checksum_url']))
    lines = data.decode('utf-8', 'replace').splitlines()
    filename = url_filename(spec['url'])
    pairs = []
    if len(lines) == 1 and len(lines[0].split()) == 1:
        pairs.append((lines[0], filename))
    else:
        for line in lines:
            parts = line.split(' ', 1)
            if len(parts) == 2:
                name = parts[1][1:] if parts[1].startswith((' ', '*')) else parts[1]
                pairs.append((parts[0], name.lstrip('./')))
    for value, name in pairs:
        if name == filename:
            value = re.sub(r'\W+', '', value).lower()
            try:
                int(value, 16)
            except ValueError:
                raise Done(dict(result, failed=True, msg='The checksum format is invalid'))
            return value
    raise Done({'failed': True, 'msg': "Unable to find a checksum for file '%s' in '%s'" % (filename, spec['checksum_url'])})


def download(response, fd, decompress):
    """Streams the body into fd (when given); returns the sha1, md5 and every other digest asked for."""
    hashes = {name: hashlib.new(name) for name in ('sha1', 'md5')}
    reader = body_reader(response, decompress)
    while True:
        chunk = reader.read(CHUNK)
        if not chunk:
            break
        for h in hashes.values():
            h.update(chunk)
        if fd is not None:
            write_all(fd, chunk)
    return {name: h.hexdigest() for name, h in hashes.items()}


def write_all(fd, data):
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def get_url(spec):
    check = spec['check']
    dest = os.path.expanduser(spec['dest'])
    url = spec['url']
    result = {'changed': False, 'checksum_dest': None, 'checksum_src': None, 'dest': dest, 'elapsed': 0, 'url': url}
    if not os.path.isabs(dest):
        raise Done(dict(result, failed=True, msg='dest %s must be an absolute path' % dest))
    algorithm = spec.get('algorithm')
    checksum = spec.get('checksum') or ''
    force = spec['force']
    try:
        owner = resolve_id(spec.get('owner'), pwd.getpwnam, 'user')
    except Done:
        owner = -1  # said where Ansible says it, when the owner is set
    st = lstat_dest(dest, owner)
    if st is not None and stat.S_ISLNK(st.st_mode):
        raise Done(dict(result, failed=True, msg='%s is a symbolic link; get_url does not follow links (not supported yet)' % dest))
    dest_is_dir = st is not None and stat.S_ISDIR(st.st_mode)
    if spec.get('checksum_url'):
        checksum = checksum_from_url(spec, result)
    last_modified = None
    if not dest_is_dir and st is not None:
        dfd = open_dir(os.path.dirname(dest))
        fd = open_regular(dfd, os.path.basename(dest), dest, owner)
        mismatch = bool(checksum) and not force and digest_fd(fd, algorithm) != checksum
        if checksum and not force and not mismatch:
            result['changed'] = set_attributes(fd, spec, check)
            os.close(fd)
            msg = 'file already exists but file attributes changed' if result['changed'] else 'file already exists'
            raise Done(dict(result, msg=msg))
        os.close(fd)
        os.close(dfd)
        last_modified = st.st_mtime
        if mismatch:
            force = True

    start = time.time()
    response, info = fetch(dict(spec, force=force), url, 'HEAD' if check else 'GET', None, spec.get('headers'),
                           None if force else last_modified)
    elapsed = int(time.time() - start)
    if info['status'] == 304:
        raise Done(dict(url=url, dest=dest, changed=False, msg=info.get('msg', ''), status_code=304, elapsed=elapsed))
    if info['status'] == -1:
        raise Done(dict(msg=info['msg'], url=url, dest=dest, elapsed=elapsed, failed=True))
    if info['status'] != 200:
        raise Done(dict(msg='Request failed', status_code=info['status'], response=info['msg'], url=url, dest=dest, elapsed=elapsed, failed=True))
    result['elapsed'] = elapsed

    if dest_is_dir:
        disposition = info.get('content-disposition', '')
        match = re.match('attachment; ?filename="?([^"]+)', disposition)
        filename = os.path.basename(match.group(1)) if match else ''
        if filename in ('', '.', '..'):
            filename = url_filename(info['url'])
        if '\0' in filename or len(os.fsencode(filename)) > 255:
            raise Done(dict(result, failed=True, msg='the file name the server gave (Content-Disposition or URL) is not usable in %s: %r'
                            % (dest, filename[:80] + ('...' if len(filename) > 80 else ''))))
        dest = os.path.join(dest, filename)
        result['dest'] = dest
    directory, name = os.path.split(dest)
    try:
        dfd = open_dir(directory)
    except (FileNotFoundError, NotADirectoryError):
        result['checksum_src'] = download(response, None, spec['decompress'])['sha1']
        raise Done(dict(result, failed=True, msg='Destination %s does not exist' % directory))
    if not os.access(directory, os.W_OK):
        raise Done(dict(result, failed=True, msg='Destination %s is not writable' % directory))
    temp, tfd = new_temp(dfd)
    moved = []
    try:
        finish(spec, result, info, response, dfd, (temp, tfd, moved), dest, name, check, checksum, algorithm, owner)
    finally:
        os.close(tfd)
        if not moved:
            os.unlink(temp, dir_fd=dfd)


def finish(spec, result, info, response, dfd, temporary, dest, name, check, checksum, algorithm, owner):
    temp, tfd, moved = temporary
    sums = download(response, tfd, spec['decompress'])
    result['src'] = os.path.join(os.path.dirname(dest), temp)
    result['checksum_src'] = sums['sha1']
    old = open_regular(dfd, name, dest, owner)
    old_stat = os.fstat(old) if old is not None else None
    if old is not None:
        result['checksum_dest'] = digest_fd(old, 'sha1')
    if check:
        result['changed'] = result['checksum_src'] != result['checksum_dest']
        raise Done(dict(result, msg=info.get('msg', '')))
    if checksum and digest_fd(tfd, algorithm) != checksum:
        # As Ansible: a download that does not match leaves no file at dest (it is never moved
        # there; an old dest is removed, which is the one change made).
        found = digest_fd(tfd, algorithm)
        if old is not None:
            os.unlink(name, dir_fd=dfd)
        raise Done(dict(result, changed=old is not None, failed=True, msg='The checksum for %s did not match %s; it was %s.' % (dest, checksum, found)))
    backup = None
    if result['checksum_src'] != result['checksum_dest']:
        if old_stat is not None:
            os.fchmod(tfd, stat.S_IMODE(old_stat.st_mode))
            if os.geteuid() == 0:
                os.fchown(tfd, old_stat.st_uid, old_stat.st_gid)
            if spec.get('backup'):
                backup = backup_copy(dfd, old, old_stat, dest)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.fchmod(tfd, 0o666 & ~umask)
        set_attributes(tfd, spec, False)
        os.fsync(tfd)
        os.rename(temp, name, src_dir_fd=dfd, dst_dir_fd=dfd)
        moved.append(temp)
        result['changed'] = True
        final = tfd
    else:
        final = old
    result['changed'] = set_attributes(final, spec, False) or result['changed']
    result['md5sum'] = digest_fd(final, 'md5')
    if backup:
        result['backup_file'] = backup
    raise Done(dict(result, msg=info.get('msg', ''), status_code=info.get('status', '')))


def backup_copy(dfd, fd, st, dest):
    # Ansible's name: basename.PID.YYYY-MM-DD@HH:MM:SS~, never an existing file (nor a link) reused.
    name = '%s.%s.%s' % (os.path.basename(dest), os.getpid(), time.strftime('%Y-%m-%d@%H:%M:%S~'))
    try:
        out = os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600, dir_fd=dfd)
    except OSError as e:
        raise Done({'failed': True, 'dest': dest, 'msg': 'Could not make backup of %s to %s: %s'
                    % (dest, os.path.join(os.path.dirname(dest), name), e.strerror)})
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            chunk = os.read(fd, CHUNK)
            if not chunk:
                break
            write_all(out, chunk)
        if os.geteuid() == 0:
            os.fchown(out, st.st_uid, st.st_gid)
        os.fchmod(out, stat.S_IMODE(st.st_mode))
        os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns))
    finally:
        os.close(out)
    return os.path.join(os.path.dirname(dest), name)


def main():
    spec = json.loads(sys.stdin.buffer.read().decode('utf-8'))
    try:
        answer = {'uri': uri(spec)} if spec['module'] == 'uri' else {'get_url': get_url(spec)}
    except Done as done:
        # As Ansible's exit_json and fail_json: what dest is, when it exists.
        answer = {'get_url': dict(done.result, **path_info(done.result['dest'])) if 'dest' in done.result else done.result}
    except Fatal as e:
        answer = {'fatal': str(e)}
    except Untrusted as e:
        answer = {'get_url': {'changed': False, 'failed': True, 'msg': str(e), 'dest': spec.get('dest'), 'url': spec.get('url')}}
    try:
        text = json.dumps(answer, ensure_ascii=False, allow_nan=False)
    except (ValueError, RecursionError):
        answer.get('uri', {}).pop('json', None)
        text = json.dumps(answer, ensure_ascii=False)
    sys.stdout.buffer.write(('%s\n%s\n' % (MARK, text)).encode('utf-8', 'replace'))


main()
