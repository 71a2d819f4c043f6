"""Browser tests of the catalog UI: the real cosmos-server, the Marathon/Mesos emulator and the
corpus repository (or the bundled Universe when the corpus is absent), driven through headless
Chromium with Debian's chromium-driver and python3-selenium.

Every process a test starts listens on a free loopback port and is stopped at the end. Each test
fails on any console error of the page, and on any failed request for the UI's own assets; the
only failed requests a test tolerates are the ones it names (an expected 400 from the API) and
icon downloads through /package/resource, which fail when the machine is offline.
"""

import base64
import contextlib
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import (NoSuchElementException, StaleElementReferenceException,
                                        WebDriverException)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

CHROMIUM = os.environ.get('UNIVERSE_CHROMIUM', '/usr/lib/chromium/chromium')
CHROMEDRIVER = os.environ.get('UNIVERSE_CHROMEDRIVER', '/usr/bin/chromedriver')


class Failure(AssertionError):
    """A test expectation that did not hold."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def wait_until(fn, timeout=20.0, message='condition', interval=0.05):
    """Calls fn until it returns a truthy value (ignoring stale elements) and returns it."""
    deadline = time.monotonic() + timeout
    last_error = None
    while True:
        try:
            value = fn()
            if value:
                return value
        except (StaleElementReferenceException, NoSuchElementException) as error:
            last_error = error
        if time.monotonic() > deadline:
            raise Failure(f'timed out after {timeout:.0f} s waiting for {message}'
                          + (f' ({last_error.__class__.__name__})' if last_error else ''))
        time.sleep(interval)


class Paths:
    """Where the build, the sources and the reference data are."""

    def __init__(self, build, source, shared):
        self.build = os.path.abspath(build)
        self.source = os.path.abspath(source)
        self.shared = os.path.abspath(shared) if shared else ''
        self.server = os.path.join(self.build, 'cosmos', 'cosmos-server')
        self.emulator = os.path.join(self.build, 'tests', 'cosmos-emulator')
        self.repo_tool = os.path.join(self.build, 'repo-tool', 'repo-tool')
        self.out = os.path.join(self.build, 'tests', 'ui')
        self.screenshots = os.path.join(self.out, 'screenshots')
        os.makedirs(self.screenshots, exist_ok=True)

    def corpus_tree(self):
        tree = os.path.join(self.shared, 'corpus', 'universe') if self.shared else ''
        return tree if tree and os.path.isdir(os.path.join(tree, 'repo', 'packages')) else None


class Process:
    """A program of ours, logging to a file, stopped with SIGTERM (SIGKILL after 10 s)."""

    def __init__(self, argv, log_path, env=None):
        self.argv = argv
        self.log_path = log_path
        self.log_file = open(log_path, 'wb')
        self.proc = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env, start_new_session=True)

    def log(self):
        with open(self.log_path, 'rb') as f:
            return f.read().decode('utf-8', 'replace')

    def wait_for(self, pattern, timeout=30.0):
        regex = re.compile(pattern)

        def found():
            if self.proc.poll() is not None:
                raise Failure(f'{os.path.basename(self.argv[0])} exited with {self.proc.returncode}:\n{self.log()}')
            return regex.search(self.log())
        return wait_until(found, timeout, f'{pattern!r} in the log of {self.argv[0]}')

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log_file.close()


PACKAGE = 'application/vnd.dcos.package.'
SERVICE = 'application/vnd.dcos.service.'
RPC = {
    'search': ('/package/search', PACKAGE + 'search-request', PACKAGE + 'search-response', 'v1'),
    'describe': ('/package/describe', PACKAGE + 'describe-request', PACKAGE + 'describe-response', 'v3'),
    'list-versions': ('/package/list-versions', PACKAGE + 'list-versions-request',
                      PACKAGE + 'list-versions-response', 'v1'),
    'install': ('/package/install', PACKAGE + 'install-request', PACKAGE + 'install-response', 'v2'),
    'list': ('/package/list', PACKAGE + 'list-request', PACKAGE + 'list-response', 'v1'),
    'history': ('/package/history', PACKAGE + 'history-request', PACKAGE + 'history-response', 'v1'),
    'repository.list': ('/package/repository/list', PACKAGE + 'repository.list-request',
                        PACKAGE + 'repository.list-response', 'v1'),
    'local.list': ('/package/local/list', PACKAGE + 'local.list-request',
                   PACKAGE + 'local.list-response', 'v1'),
    'service.describe': ('/service/describe', SERVICE + 'describe-request', SERVICE + 'describe-response', 'v1'),
    'service.update': ('/service/update', SERVICE + 'update-request', SERVICE + 'update-response', 'v1'),
}


def media(base, version):
    return f'{base}+json;charset=utf-8;version={version}'


class Stack:
    """cosmos-server on the catalog repository in front of the emulators, for one test."""

    def __init__(self, paths, name, token=None, synthetic=0, server_tokens=None):
        self.paths = paths
        self.name = name
        self.synthetic = synthetic
        # With server_tokens ({role: token}), cosmos-server checks tokens (--auth-file) and the
        # stack's own calls use the most powerful one given.
        self.server_tokens = server_tokens or {}
        self.rpc_token = next((self.server_tokens[r] for r in ('admin', 'publish', 'install', 'read')
                               if r in self.server_tokens), None)
        self.dir = tempfile.mkdtemp(prefix=f'ui-{name}-')
        self.processes = []
        try:
            self._start_all(token)
        except BaseException:
            self.close()
            raise

    def _start_all(self, token):
        paths = self.paths
        self.repository_dir, self.source_label = self._repository()
        args = [paths.emulator, '--marathon', '127.0.0.1:0', '--mesos', '127.0.0.1:0']
        if token:
            args += ['--token', token]
        self.emulator = self._start(args, 'emulator.log')
        text = self.emulator.wait_for(r'mesos: (http://\S+)')
        self.marathon_url = re.search(r'marathon: (http://\S+)', self.emulator.log()).group(1)
        self.mesos_url = re.search(r'mesos: (http://\S+)', text.string).group(1)
        listed = [{'name': 'Universe', 'uri': 'file://' + os.path.join(self.repository_dir, 'repo-up-to-2.0.json')}]
        if self.synthetic:
            listed.append({'name': 'synthetic', 'uri': 'file://' + self._synthetic(self.synthetic)})
        repositories = os.path.join(self.dir, 'repositories.json')
        with open(repositories, 'w') as f:
            json.dump(listed, f)
        auth = []
        if self.server_tokens:
            auth_file = os.path.join(self.dir, 'auth.txt')
            with open(auth_file, 'w') as f:
                for role, secret in self.server_tokens.items():
                    f.write(f'{role} sha256:{hashlib.sha256(secret.encode()).hexdigest()}\n')
            auth = ['--auth-file', auth_file]
        self.server = self._start([
            paths.server, '--listen', '127.0.0.1:0', '--data-dir', os.path.join(self.dir, 'data'),
            '--repositories-file', repositories, *auth,
            '--marathon-uri', self.marathon_url, '--mesos-uri', self.mesos_url,
            '--admin-router-uri', self.mesos_url,
            # Icons point at the internet: fail fast when it is out of reach.
            '--fetch-timeout', '3', '--fetch-retries', '0', '--upstream-timeout', '10',
        ], 'server.log')
        port = self.server.wait_for(r'listening on 127\.0\.0\.1:(\d+)').group(1)
        self.url = f'http://127.0.0.1:{port}'
        wait_until(lambda: all('fetchedAt' in r.get('status', {})
                               for r in self.rpc('repository.list', {})['repositories']), 60,
                   'every repository to load')
        self.packages = self.rpc('search', {})['packages']

    def _start(self, argv, log_name):
        p = Process(argv, os.path.join(self.dir, log_name))
        self.processes.append(p)
        return p

    def _repository(self):
        """The built corpus (once per build folder), or the bundled Universe's build output."""
        tree = self.paths.corpus_tree()
        if tree is None:
            print('SKIPPED: reference data ../shared/corpus/universe is not present on this machine; '
                  'using the bundled Universe instead')
            return os.path.join(self.paths.build, 'universe', 'repo'), 'bundled Universe'
        out = os.path.join(self.paths.out, 'corpus-repo')
        if not os.path.exists(os.path.join(out, 'repo-up-to-2.0.json')):
            staging = tempfile.mkdtemp(prefix='corpus-', dir=self.paths.out)
            subprocess.run([self.paths.repo_tool, 'build', tree, os.path.join(staging, 'repo')],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            try:
                os.rename(os.path.join(staging, 'repo'), out)
            except OSError:
                pass  # another test built it meanwhile
            shutil.rmtree(staging, ignore_errors=True)
        return out, 'corpus'

    def _synthetic(self, packages):
        """A repository of `packages` generated packages (bench/synthetic_universe.cpp), built once."""
        out = os.path.join(self.paths.out, f'synthetic-{packages}')
        if not os.path.exists(os.path.join(out, 'repo-up-to-2.0.json')):
            staging = tempfile.mkdtemp(prefix='synthetic-', dir=self.paths.out)
            generator = os.path.join(self.paths.build, 'bench', 'synthetic-universe')
            subprocess.run([generator, os.path.join(staging, 'tree'), '--packages', str(packages),
                            '--revisions', '1'], check=True, stdout=subprocess.DEVNULL)
            subprocess.run([self.paths.repo_tool, 'build', os.path.join(staging, 'tree'),
                            os.path.join(staging, 'repo')], check=True, stdout=subprocess.DEVNULL)
            try:
                os.rename(os.path.join(staging, 'repo'), out)
            except OSError:
                pass  # another test built it meanwhile
            shutil.rmtree(staging, ignore_errors=True)
        return os.path.join(out, 'repo-up-to-2.0.json')

    def rpc(self, name, body, expect=200):
        path, request, response, version = RPC[name]
        headers = {'Content-Type': media(request, 'v1'), 'Accept': media(response, version)}
        if self.rpc_token:
            headers['Authorization'] = f'token={self.rpc_token}'
        req = urllib.request.Request(self.url + path, data=json.dumps(body).encode(), method='POST', headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                status, text = r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            status, text = e.code, e.read().decode()
        check(status == expect, f'{path} answered {status}, expected {expect}: {text}')
        return json.loads(text) if text else {}

    def close(self):
        for p in reversed(self.processes):
            p.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Browser:
    """Headless Chromium with the page's console collected and checked."""

    def __init__(self, paths, base_url, name, width=1280, height=900):
        self.paths = paths
        self.base_url = base_url
        self.name = name
        self.profile = tempfile.mkdtemp(prefix='ui-chromium-')
        self.downloads = os.path.join(self.profile, 'downloads')
        os.makedirs(self.downloads)
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for arg in ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                    '--disable-background-networking', '--disable-component-update', '--disable-sync',
                    '--disable-dev-shm-usage', f'--user-data-dir={self.profile}',
                    f'--window-size={width},{height}', '--lang=en-US']:
            options.add_argument(arg)
        options.set_capability('goog:loggingPrefs', {'browser': 'ALL'})
        self.driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        self.driver.set_page_load_timeout(30)
        self.driver.execute_cdp_cmd('Browser.setDownloadBehavior',
                                    {'behavior': 'allow', 'downloadPath': self.downloads})
        self.allowed_failures = []  # (path regex, status)
        self.console = []

    # --- console and requests ---

    def expect_failure(self, path, status):
        """Tolerates a failed request of path (a regex) with status, e.g. an API 400 the test provokes."""
        self.allowed_failures.append((re.compile(path), status))

    def collect_console(self):
        try:
            entries = self.driver.get_log('browser')
        except WebDriverException:
            entries = []
        self.console.extend(entries)
        return entries

    def _tolerated(self, entry):
        if entry.get('source') != 'network':
            return False
        message = entry.get('message', '')
        match = re.match(r'(\S+) - Failed to load resource: the server responded with a status of (\d+)', message)
        if not match:
            return False
        url, status = match.group(1), int(match.group(2))
        path = urllib.parse.urlsplit(url).path
        if path == '/package/resource':
            return True  # icons and screenshots from the internet, through the proxy
        return any(p.search(path) and s == status for p, s in self.allowed_failures)

    def check_clean(self):
        """Fails on any console error and on any failed request for the UI's own assets."""
        self.collect_console()
        errors = [e for e in self.console if e.get('level') == 'SEVERE' and not self._tolerated(e)]
        check(not errors, 'console errors:\n' + '\n'.join(e.get('message', '') for e in errors))
        failed = self.driver.execute_script(
            "return performance.getEntriesByType('resource')"
            ".filter(e => e.name.includes('/ui/') && (e.responseStatus >= 400))"
            ".map(e => e.name + ' ' + e.responseStatus)")
        check(not failed, 'failed requests for the UI\'s assets: ' + ', '.join(failed))

    # --- navigation and lookup ---

    def open(self, path):
        self.collect_console()
        self.driver.get(self.base_url + path)
        wait_until(lambda: self.driver.execute_script('return document.readyState') == 'complete', 20, 'the page to load')
        self.wait_css('main h1')

    def css(self, selector, root=None):
        return (root or self.driver).find_element(By.CSS_SELECTOR, selector)

    def all(self, selector, root=None):
        return (root or self.driver).find_elements(By.CSS_SELECTOR, selector)

    def wait_css(self, selector, timeout=20.0, visible=True):
        def find():
            for el in self.all(selector):
                if not visible or el.is_displayed():
                    return el
            return None
        return wait_until(find, timeout, f'an element {selector!r}')

    def wait_text(self, selector, text, timeout=20.0):
        def found():
            for el in self.all(selector):
                if text in el.text:
                    return el
            return None
        return wait_until(found, timeout, f'{text!r} in {selector!r}')

    def control(self, label_text, root=None):
        """The form control labelled exactly label_text (label[for] or aria-label)."""
        for label in self.all('label', root):
            if label.text.strip().rstrip('*').strip() == label_text or label.text.split('\n')[0].strip() == label_text:
                target = label.get_attribute('for')
                if target:
                    return self.driver.find_element(By.ID, target)
        return self.css(f'[aria-label="{label_text}"]', root)

    def field(self, pointer):
        return self.wait_css(f'[data-pointer="{pointer}"]')

    def field_control(self, pointer):
        return self.css('input, select, textarea', self.field(pointer))

    def reveal(self, element):
        """Scrolls an element to the middle of the viewport (clear of the sticky masthead)."""
        self.script("arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})", element)
        return element

    def click(self, element):
        """Clicks an element once it is in view and clear of the sticky masthead."""
        self.reveal(element).click()
        return element

    def button(self, text, root=None):
        def find():
            for b in self.all('button, a.button', root):
                if b.is_displayed() and b.text.strip() == text:
                    return b
            return None
        return self.reveal(wait_until(find, 20, f'a button {text!r}'))

    def set_value(self, element, value):
        """Replaces an input's text the way a user would (select all, type)."""
        self.reveal(element).click()
        element.send_keys(Keys.CONTROL, 'a')
        element.send_keys(Keys.BACKSPACE)
        if value:
            element.send_keys(value)

    def press(self, *keys):
        """Types keys into whatever has the focus, as a keyboard does."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def script(self, source, *args):
        return self.driver.execute_script(source, *args)

    def screenshot(self, name):
        path = os.path.join(self.paths.screenshots, f'{name}.png')
        self.driver.save_screenshot(path)
        return path

    def drop_file(self, selector, file_path, mime='application/zip'):
        """Drops a file onto an element as a user dragging it from the desktop would."""
        with open(file_path, 'rb') as f:
            data = base64.b64encode(f.read()).decode()
        self.script("""
            const [data, name, selector, mime] = arguments;
            const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
            const transfer = new DataTransfer();
            transfer.items.add(new File([bytes], name, { type: mime }));
            const zone = document.querySelector(selector);
            for (const type of ['dragenter', 'dragover', 'drop']) {
              zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, dataTransfer: transfer }));
            }""", data, os.path.basename(file_path), selector, mime)

    def no_horizontal_overflow(self):
        return self.script('return document.documentElement.scrollWidth <= window.innerWidth + 1')

    def close(self):
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


@contextlib.contextmanager
def session(paths, name, token=None, width=1280, height=900, synthetic=0, server_tokens=None):
    """A stack and a browser for one test; the browser's console is checked at the end."""
    stale = os.path.join(paths.screenshots, f'{name}-failure.png')
    if os.path.exists(stale):
        os.remove(stale)
    stack = Stack(paths, name, token=token, synthetic=synthetic, server_tokens=server_tokens)
    browser = None
    try:
        browser = Browser(paths, stack.url, name, width, height)
        yield stack, browser
        browser.check_clean()
    except BaseException:
        if browser is not None:
            with contextlib.suppress(Exception):
                browser.screenshot(f'{name}-failure')
            with contextlib.suppress(Exception):
                browser.collect_console()
                print('browser console:\n' + '\n'.join(f"  {e.get('level')} {e.get('message')}" for e in browser.console))
        print('server log (tail):\n' + stack.server.log()[-4000:] if hasattr(stack, 'server') else '')
        raise
    finally:
        if browser is not None:
            browser.close()
        stack.close()
