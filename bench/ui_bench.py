#!/usr/bin/python3
"""The catalog UI in real (headless) Chromium, timed by the page's own performance marks:

- first card: from navigation start to the first card painted (mark "ui:first-card"), on a
  cold browser cache and then warm (assets cached, the shell revalidated with its ETag), each
  warm load 2 s after the previous page settled;
- search: from a keystroke in the search box (the input event's time) to the updated list
  painted (measure "ui:search"), over a series of keystrokes typed one by one;
- preview: from the moment the debounce fires to the updated render preview painted (measure
  "ui:preview"), and from the option change itself ("ui:preview-from-change", which includes
  the 250 ms debounce).

Scenarios: "corpus" (the real Universe corpus) and "synthetic" (the corpus plus PACKAGES
synthetic packages from synthetic-universe), served by cosmos-server from file:// repositories,
next to the Marathon/Mesos emulator.

    bench/ui_bench.py [--build DIR] [--scenarios corpus,synthetic] [--packages 1000]
                      [--revisions 1] [--loads 7] [--keys 38] [--changes 15] [--work DIR]

Needs the build's cosmos-server, repo-tool, synthetic-universe and cosmos-emulator, and Debian's
chromium, chromium-driver and python3-selenium (scripts/setup installs them).
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.join(ROOT, 'tests', 'ui'))

from harness import Browser, Paths, Process, wait_until  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402


def percentile(values, p):
    ordered = sorted(values)
    if not ordered:
        return float('nan')
    k = (len(ordered) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values):
    return {'n': len(values), 'median': statistics.median(values) if values else float('nan'),
            'p95': percentile(values, 95), 'max': max(values) if values else float('nan')}


def build_repositories(paths, work, scenario, packages, revisions):
    corpus_tree = paths.corpus_tree()
    if corpus_tree is None:
        sys.exit('the corpus (../shared/corpus/universe) is needed for the UI benchmark')
    files = []
    corpus_out = os.path.join(work, 'corpus-out')
    if not os.path.exists(os.path.join(corpus_out, 'repo-up-to-2.0.json')):
        subprocess.run([paths.repo_tool, 'build', corpus_tree, corpus_out], check=True, stdout=subprocess.DEVNULL)
    files.append(os.path.join(corpus_out, 'repo-up-to-2.0.json'))
    if scenario == 'synthetic':
        name = f'synthetic-{packages}x{revisions}'
        out = os.path.join(work, f'{name}-out')
        if not os.path.exists(os.path.join(out, 'repo-up-to-2.0.json')):
            tree = os.path.join(work, name)
            shutil.rmtree(tree, ignore_errors=True)
            synthetic = os.path.join(paths.build, 'bench', 'synthetic-universe')
            subprocess.run([synthetic, tree, '--packages', str(packages), '--revisions', str(revisions)],
                           check=True, stdout=subprocess.DEVNULL)
            subprocess.run([paths.repo_tool, 'build', tree, out], check=True, stdout=subprocess.DEVNULL)
        files.append(os.path.join(out, 'repo-up-to-2.0.json'))
    return files


class Server:
    def __init__(self, paths, run_dir, files):
        self.processes = []
        try:
            self._start(paths, run_dir, files)
        except BaseException:
            self.stop()
            raise

    def _start(self, paths, run_dir, files):
        emulator = Process([paths.emulator, '--marathon', '127.0.0.1:0', '--mesos', '127.0.0.1:0'],
                           os.path.join(run_dir, 'emulator.log'))
        self.processes.append(emulator)
        log = emulator.wait_for(r'mesos: (http://\S+)')
        mesos = log.group(1)
        marathon = re.search(r'marathon: (http://\S+)', emulator.log()).group(1)
        repositories = os.path.join(run_dir, 'repositories.json')
        with open(repositories, 'w') as f:
            json.dump([{'name': os.path.basename(os.path.dirname(p)), 'uri': 'file://' + p} for p in files], f)
        server = Process([paths.server, '--listen', '127.0.0.1:0', '--data-dir', os.path.join(run_dir, 'data'),
                          '--repositories-file', repositories, '--marathon-uri', marathon,
                          '--mesos-uri', mesos, '--admin-router-uri', mesos,
                          '--fetch-timeout', '3', '--fetch-retries', '0', '--refresh-interval', '3600'],
                         os.path.join(run_dir, 'server.log'))
        self.processes.append(server)
        port = server.wait_for(r'listening on 127\.0\.0\.1:(\d+)', 60).group(1)
        self.url = f'http://127.0.0.1:{port}'

    def stop(self):
        for p in reversed(self.processes):
            p.stop()


def catalog_size(browser):
    return browser.script("""
        return fetch('/package/search', {method: 'POST', headers: {
          'Content-Type': 'application/vnd.dcos.package.search-request+json;charset=utf-8;version=v1',
          'Accept': 'application/vnd.dcos.package.search-response+json;charset=utf-8;version=v1'},
          body: '{}'}).then(r => r.text()).then(t => [JSON.parse(t).packages.length, t.length]);""")


def first_card(browser, loads):
    times = []
    for i in range(loads):
        if i:
            time.sleep(2)  # a settled page, as a user leaves it (its icon downloads done)
        browser.driver.get(browser.base_url + '/ui/')
        mark = wait_until(lambda: browser.script(
            "const m = performance.getEntriesByName('ui:first-card'); return m.length ? m[0].startTime : null"),
            60, 'the first card')
        times.append(mark)
        if i == 0:
            cold = mark
    return cold, times[1:]


def search(browser, keys):
    browser.driver.get(browser.base_url + '/ui/')
    wait_until(lambda: browser.script("return performance.getEntriesByName('ui:first-card').length"), 60, 'cards')
    box = browser.driver.find_element(By.CSS_SELECTOR, 'input[type=search]')
    box.click()
    # Type and erase queries letter by letter: broad ones ("e" matches nearly everything) and
    # narrow ones, so the list grows and shrinks.
    sequence = []
    for word in ['kafka', 'e', 'node', 'cas', 'broker']:
        sequence += list(word) + [Keys.BACKSPACE] * len(word)
    sequence = sequence[:keys]
    durations = []
    for key in sequence:
        before = browser.script("return performance.getEntriesByName('ui:search').length")
        box.send_keys(key)
        wait_until(lambda: browser.script("return performance.getEntriesByName('ui:search').length") > before,
                   30, 'the search measure')
        durations.append(browser.script(
            "const m = performance.getEntriesByName('ui:search'); return m[m.length - 1].duration"))
    return durations


def preview(browser, package, changes):
    browser.driver.get(f'{browser.base_url}/ui/package/{package}')
    wait_until(lambda: browser.script("return performance.getEntriesByName('ui:preview').length"), 60, 'the first preview')
    field = browser.driver.find_element(By.CSS_SELECTOR, '.options-form input[type=number]')
    after_debounce, from_change = [], []
    value = float(field.get_attribute('value') or 1)
    for i in range(changes):
        before = browser.script("return performance.getEntriesByName('ui:preview-from-change').length")
        field.send_keys(Keys.CONTROL, 'a')
        field.send_keys(str(int(value) + 1 + i % 3))
        wait_until(lambda: browser.script(
            "return performance.getEntriesByName('ui:preview-from-change').length") > before, 30, 'the preview')
        after_debounce.append(browser.script(
            "const m = performance.getEntriesByName('ui:preview'); return m[m.length - 1].duration"))
        from_change.append(browser.script(
            "const m = performance.getEntriesByName('ui:preview-from-change'); return m[m.length - 1].duration"))
        time.sleep(0.1)
    return after_debounce, from_change


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--build', default=os.path.join(ROOT, 'build-bench'))
    parser.add_argument('--scenarios', default='corpus,synthetic')
    parser.add_argument('--packages', type=int, default=1000)
    parser.add_argument('--revisions', type=int, default=1)
    parser.add_argument('--loads', type=int, default=7)
    parser.add_argument('--keys', type=int, default=38)
    parser.add_argument('--changes', type=int, default=15)
    parser.add_argument('--work', default=os.path.join(tempfile.gettempdir(), 'universe-ui-bench'))
    parser.add_argument('--json', help='also write the figures to this file')
    args = parser.parse_args()

    paths = Paths(args.build, ROOT, os.path.join(ROOT, '..', 'shared'))
    os.makedirs(args.work, exist_ok=True)
    results = {}
    for scenario in args.scenarios.split(','):
        files = build_repositories(paths, args.work, scenario, args.packages, args.revisions)
        run_dir = tempfile.mkdtemp(prefix=f'ui-bench-{scenario}-')
        server = Server(paths, run_dir, files)
        browser = None
        try:
            browser = Browser(paths, server.url, f'bench-{scenario}')
            browser.driver.get(server.url + '/ui/')
            count, size = wait_until(lambda: (lambda r: r if r[0] > 0 else None)(catalog_size(browser)), 60, 'the catalog')
            cold, warm = first_card(browser, args.loads)
            keys = search(browser, args.keys)
            package = 'nginx'
            debounced, changed = preview(browser, package, args.changes)
            results[scenario] = {
                'packages': count, 'searchAnswerBytes': size,
                'firstCardColdMs': cold, 'firstCardWarmMs': summary(warm),
                'searchMs': summary(keys), 'previewAfterDebounceMs': summary(debounced),
                'previewFromChangeMs': summary(changed),
            }
        finally:
            if browser:
                browser.close()
            server.stop()
            shutil.rmtree(run_dir, ignore_errors=True)

    print('| scenario | packages | search answer | first card, cold | first card, warm (median / p95) '
          '| search keystroke (median / p95 / max) | preview after debounce (median / p95) | preview from change (median) |')
    print('|---|---|---|---|---|---|---|---|')
    for scenario, r in results.items():
        print(f"| {scenario} | {r['packages']:,} | {r['searchAnswerBytes'] / 1024:.0f} KB "
              f"| {r['firstCardColdMs']:.0f} ms "
              f"| {r['firstCardWarmMs']['median']:.0f} / {r['firstCardWarmMs']['p95']:.0f} ms "
              f"| {r['searchMs']['median']:.1f} / {r['searchMs']['p95']:.1f} / {r['searchMs']['max']:.1f} ms "
              f"| {r['previewAfterDebounceMs']['median']:.1f} / {r['previewAfterDebounceMs']['p95']:.1f} ms "
              f"| {r['previewFromChangeMs']['median']:.0f} ms |")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(results, f, indent=2)
    return 0


if __name__ == '__main__':
    sys.exit(main())
