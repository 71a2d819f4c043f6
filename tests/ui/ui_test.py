#!/usr/bin/python3
"""The catalog UI in headless Chromium, one ctest test per case:

    ui_test.py --build BUILD --source SOURCE [--shared SHARED] CASE

Screenshots of the main pages land in BUILD/tests/ui/screenshots.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness import (Failure, Paths, Process, check, session, wait_until)  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import Select  # noqa: E402


# --- helpers -----------------------------------------------------------------------------------

def license_buckets(licenses):
    """The catalog's license facet buckets (web/assets/js/search.js), for checking."""
    out = set()
    for license in licenses or []:
        name = license.get('name', '')
        if re.search('apache', name, re.I):
            out.add('Apache')
        elif re.search(r'\bbsd\b', name, re.I):
            out.add('BSD')
        elif re.search(r'\bmit\b', name, re.I):
            out.add('MIT')
        else:
            out.add('Other')
    return out or {'Other'}


def shown_cards(b):
    """Names of the cards in the page, in page order (certified section first)."""
    return b.script("return [...document.querySelectorAll('.card-section:not([hidden]) .card-item:not([hidden]) .card-name')].map(e => e.textContent)")


def wait_cards(b, expected, message):
    return wait_until(lambda: shown_cards(b) == expected, 20, f'{message}: expected {expected}, page shows {shown_cards(b)}')


def search_for(b, text):
    box = b.control('Search packages')
    b.set_value(box, text)
    return box


def facet_box(b, group_title, value):
    for fieldset in b.all('fieldset.facet'):
        if b.css('legend', fieldset).text.strip() != group_title:
            continue
        for option in b.all('.facet-option', fieldset):
            if b.css('.facet-value', option).text == value:
                return b.css('input', option), b.css('.facet-count', option)
    raise Failure(f'no facet {value!r} under {group_title!r}')


def instances_pointer(b):
    """The pointer of the 'instances' option of nginx (the corpus and the bundled Universe differ)."""
    def find():
        for ptr in ('/nginx/instances', '/service/instances'):
            if b.all(f'[data-pointer="{ptr}"]'):
                return ptr
        return None
    return wait_until(find, 20, "nginx's instances field")


def preview_text(b):
    return b.script("const v = document.querySelector('.preview .json-view'); return v ? v.textContent : ''")


def wait_preview(b, predicate, message):
    return wait_until(lambda: predicate(json.loads(preview_text(b) or 'null')), 20, message)


def json_editor(b):
    return b.control('Options as JSON')


def nginx_section(stack):
    """'nginx' in the corpus, 'service' in the bundled Universe: the object holding name and instances."""
    config = stack.rpc('describe', {'packageName': 'nginx'})['package']['config']['properties']
    return 'nginx' if 'nginx' in config else 'service'


def install_nginx(stack, name):
    """Installs nginx named by its own option, so its app ID is /<name> and updates keep it."""
    answer = stack.rpc('install', {'packageName': 'nginx', 'options': {nginx_section(stack): {'name': name}}})
    check(answer.get('appId') == f'/{name}', f'installed as {answer.get("appId")}')
    return answer


def service_options(stack, app_id):
    return stack.rpc('service.describe', {'appId': app_id})


def instances_of(options):
    for key in ('nginx', 'service'):
        if isinstance(options.get(key), dict) and 'instances' in options[key]:
            return options[key]['instances']
    return None


def confirm_dialog(b, button_text):
    dialog = b.wait_css('dialog[open]')
    b.click(b.button(button_text, dialog))
    wait_until(lambda: not b.all('dialog[open]'), 10, 'the dialog to close')


def make_bundle(paths, work, name='hello-ui', version='1.0.0'):
    """A small package bundled with repo-tool, as its authors would."""
    folder = os.path.join(work, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'package.json'), 'w') as f:
        json.dump({'packagingVersion': '4.0', 'name': name, 'version': version,
                   'maintainer': 'ui@example.com', 'description': 'A package published from the browser.',
                   'tags': ['example'], 'licenses': [{'name': 'MIT License', 'url': 'https://opensource.org/licenses/MIT'}]}, f)
    with open(os.path.join(folder, 'config.json'), 'w') as f:
        json.dump({'type': 'object', 'properties': {'service': {'type': 'object', 'properties': {
            'name': {'type': 'string', 'default': name}}}}}, f)
    with open(os.path.join(folder, 'marathon.json.mustache'), 'w') as f:
        f.write('{"id": "{{service.name}}", "cmd": "sleep 1000", "cpus": 0.1, "mem": 32, "instances": 1}')
    out = os.path.join(work, f'{name}-{version}.dcos')
    subprocess.run([paths.repo_tool, 'bundle', folder, out], check=True, stdout=subprocess.DEVNULL)
    return out


# --- cases -----------------------------------------------------------------------------------

def case_catalog_search_facet(paths):
    """Cards, certified first, search as you type with /package/search semantics, facets, empty state."""
    with session(paths, 'catalog_search_facet') as (stack, b):
        b.open('/')
        check(b.driver.current_url.endswith('/ui/'), f'GET / did not open /ui/: {b.driver.current_url}')
        all_names = [p['name'] for p in stack.packages]
        wait_cards(b, all_names, 'every package, in the server\'s order')
        certified = [p['name'] for p in stack.packages if p.get('selected') is True]
        check(certified and all_names[:len(certified)] == certified, 'certified packages come first')
        check(b.css('.card-section h2').text == 'Certified', 'the certified section comes first')
        b.screenshot('catalog')
        # Badges: certified, framework, license.
        first = b.css('.card')
        badges = [e.text for e in b.all('.badge', first)]
        check('Certified' in badges, f'the first card has no Certified badge: {badges}')
        # A broken icon is never shown: images only enter the page once they have loaded.
        broken = b.script("return [...document.querySelectorAll('.card img')].filter(i => !(i.complete && i.naturalWidth > 0)).length")
        check(broken == 0, f'{broken} broken icon images')
        check(len(b.all('.card .icon-placeholder')) == len(all_names), 'every card has a generated placeholder')

        # Search as you type, compared with the server's own answers.
        for query in ['a', 'Data', 'kaf', '*a', 'c*a', 'database']:
            search_for(b, query)
            expected = [p['name'] for p in stack.rpc('search', {'query': query})['packages']]
            wait_cards(b, expected, f'search {query!r}')
        # The license facet: exactly the MIT packages, with the count shown.
        search_for(b, '')
        wait_cards(b, all_names, 'all packages again')
        box, count = facet_box(b, 'License', 'MIT')
        mit = [p['name'] for p in stack.packages if 'MIT' in license_buckets(p.get('licenses'))]
        check(mit, 'the catalog has MIT packages')
        check(count.text == f'({len(mit)})', f'MIT count {count.text}, expected {len(mit)}')
        b.click(box)
        wait_cards(b, mit, 'the MIT facet')
        b.screenshot('catalog-mit')
        # Search and facet together.
        query = 'e'
        both = [p['name'] for p in stack.rpc('search', {'query': query})['packages']
                if 'MIT' in license_buckets(p.get('licenses'))]
        search_for(b, query)
        wait_cards(b, both, 'search and MIT together')
        wait_until(lambda: 'q=e' in b.driver.current_url and 'license=MIT' in b.driver.current_url, 5,
                   'the URL to keep the query and the facet')
        # Certified facet.
        b.click(facet_box(b, 'License', 'MIT')[0])
        search_for(b, '')
        b.click(facet_box(b, 'Certification', 'Certified')[0])
        wait_cards(b, certified, 'the certified facet')
        b.click(facet_box(b, 'Certification', 'Certified')[0])
        # Repository facet names the repository.
        repo_box, repo_count = facet_box(b, 'Repository', 'Universe')
        check(repo_count.text == f'({len(all_names)})', f'repository count {repo_count.text}')
        # Explicit empty state, and the way out of it.
        search_for(b, 'no-such-package-anywhere')
        empty = b.wait_css('.empty-state')
        check('No packages match' in empty.text, f'empty state says {empty.text!r}')
        b.screenshot('catalog-empty')
        b.click(b.button('Clear search and filters'))
        wait_cards(b, all_names, 'all packages after clearing')
        # The "/" key focuses the search box; a card opens with Enter.
        b.css('body').send_keys('/')
        check(b.script('return document.activeElement.type') == 'search', '"/" focuses the search box')
        card = b.css('.card')
        name = b.css('.card-name', card).text
        b.script('arguments[0].focus()', card)
        card.send_keys(Keys.ENTER)
        b.wait_text('main h1', name)
        check(f'/ui/package/{name}' in b.driver.current_url, 'Enter on a card opens its page')
        # Deep link with a query and a facet.
        b.open('/ui/?q=kaf&license=Apache')
        expected = [p['name'] for p in stack.rpc('search', {'query': 'kaf'})['packages']
                    if 'Apache' in license_buckets(p.get('licenses'))]
        wait_cards(b, expected, 'the deep link ?q=kaf&license=Apache')


def case_large_catalog(paths):
    """A catalog of hundreds of packages: a window of cards, more as the list scrolls, search over all."""
    with session(paths, 'large_catalog', synthetic=300) as (stack, b):
        total = len(stack.packages)
        check(total > 300, f'the catalog has {total} packages')
        b.open('/ui/')
        first = wait_until(lambda: len(shown_cards(b)) or None, 30, 'the first cards')
        check(first < total, f'the first window has {first} of {total} cards')
        b.wait_text('.result-count', f'{total:,} packages')
        # Scrolling to the end brings the rest, a page at a time.
        for _ in range(20):
            if len(shown_cards(b)) == total:
                break
            b.script('window.scrollTo(0, document.documentElement.scrollHeight)')
            time.sleep(0.3)
        check(shown_cards(b) == [p['name'] for p in stack.packages], 'scrolling shows every package in order')
        # The keyboard way: the "Show more" button.
        b.open('/ui/')
        wait_until(lambda: len(shown_cards(b)) or None, 30, 'the first cards')
        before = len(shown_cards(b))
        button = b.wait_css('.more-results button')
        # Pressed where it is: scrolling it into view would load the next page by itself.
        b.script('arguments[0].focus(); arguments[0].click()', button)
        wait_until(lambda: len(shown_cards(b)) > before, 10, 'more cards after "Show more"')
        check(b.script("return document.activeElement.classList.contains('card')"), 'focus moves to the first new card')
        # Search covers the whole catalog, not only the cards in the page.
        last = stack.packages[-1]['name']
        search_for(b, last)
        expected = [p['name'] for p in stack.rpc('search', {'query': last})['packages']]
        wait_cards(b, expected, f'search for the last package {last!r}')


def case_package_versions(paths):
    """The package page: details, version selector from list-versions, deep links, disclaimer."""
    with session(paths, 'package_versions') as (stack, b):
        b.open('/ui/')
        b.wait_css('.card')
        versions = stack.rpc('list-versions', {'packageName': 'kafka', 'includePackageVersions': True})['results']
        ordered = [v for v, _ in sorted(versions.items(), key=lambda kv: -int(kv[1]))]
        check(len(ordered) >= 2, f'kafka has {len(ordered)} versions')
        search_for(b, 'kafka')
        wait_cards(b, ['kafka'], 'kafka alone')
        b.click(b.css('.card'))
        b.wait_text('main h1', ordered[0])
        select = Select(b.control('Version'))
        check([o.get_attribute('value') for o in select.options] == ordered,
              f'version selector {[o.text for o in select.options]} != {ordered}')
        described = stack.rpc('describe', {'packageName': 'kafka'})['package']
        details = b.css('.package-details').text
        check(described['description'].split('\n')[0][:40] in details, 'the description is shown')
        for license in described.get('licenses', []):
            link = b.driver.find_element(By.LINK_TEXT, license['name'])
            check(link.get_attribute('href') == license['url'], f'license link {license["name"]}')
        check(described['maintainer'] in details, 'the maintainer is shown')
        if described.get('selected'):
            check(not b.all('.community-disclaimer'), 'no disclaimer on a certified package')
        b.screenshot('package')
        # Pick the older version: the URL deep-links to it.
        select.select_by_value(ordered[1])
        b.wait_text('main h1', ordered[1])
        wait_until(lambda: b.driver.current_url.endswith(f'/ui/package/kafka/{ordered[1]}'), 10, 'the versioned URL')
        old = stack.rpc('describe', {'packageName': 'kafka', 'packageVersion': ordered[1]})['package']
        check(Select(b.control('Version')).first_selected_option.get_attribute('value') == ordered[1], 'the older version is selected')
        if old.get('preInstallNotes'):
            check(old['preInstallNotes'].split('\n')[0][:30] in b.css('.package-details').text, 'pre-install notes shown')
        # Opening the deep link afresh shows the same version.
        b.open(f'/ui/package/kafka/{ordered[1]}')
        b.wait_text('main h1', ordered[1])
        # A community package carries the disclaimer, and screenshots never show broken.
        community = next(p['name'] for p in stack.packages if p.get('selected') is not True)
        b.open(f'/ui/package/{community}')
        b.wait_css('.community-disclaimer')
        broken = b.script("return [...document.querySelectorAll('main img')].filter(i => !(i.complete && i.naturalWidth > 0)).length")
        check(broken == 0, f'{broken} broken images on the package page')
        # An unknown package is a clear message, not a blank page.
        b.expect_failure(r'^/package/describe$', 400)
        b.expect_failure(r'^/package/list-versions$', 400)
        b.open('/ui/package/no-such-package')
        b.wait_text('.message-error', 'Not in the catalog')


def case_preview_updates(paths):
    """Changing an option updates the live preview, the JSON editor follows, and back."""
    with session(paths, 'preview_updates') as (stack, b):
        b.open('/ui/package/nginx')
        ptr = instances_pointer(b)
        wait_preview(b, lambda app: app and app.get('instances') == 1, 'the default preview')
        control = b.field_control(ptr)
        b.set_value(control, '3')
        wait_preview(b, lambda app: app and app.get('instances') == 3, 'the preview with 3 instances')
        marked = b.script("return [...document.querySelectorAll('.preview mark')].map(m => m.textContent).join('')")
        check('"instances": 3' in marked, f'the changed line is highlighted: {marked[:200]!r}')
        changed = b.css('.changed-options').text
        check(ptr in changed and '3' in changed, f'"what changed" lists {ptr}: {changed!r}')
        editor = json.loads(json_editor(b).get_attribute('value'))
        check(instances_of(editor) == 3, 'the JSON editor follows the form')
        b.screenshot('package-configure')
        # On a wide screen the form, the JSON editor and the preview show side by side.
        b.driver.set_window_size(1700, 1000)
        b.script("arguments[0].scrollIntoView({block: 'start'})", b.css('.configure h2'))
        b.screenshot('package-workbench')
        b.driver.set_window_size(1280, 900)
        # The JSON editor drives the form.
        options = dict(editor)
        section = ptr.split('/')[1]
        options[section] = dict(options[section], instances=2)
        area = json_editor(b)
        b.set_value(area, '')
        b.script('arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("input", {bubbles: true}))',
                 area, json.dumps(options, indent=2))
        wait_until(lambda: b.field_control(ptr).get_attribute('value') == '2', 10, 'the form to follow the JSON editor')
        wait_preview(b, lambda app: app and app.get('instances') == 2, 'the preview with 2 instances')
        # Download the options, and load a file of options.
        b.click(b.button('Download options'))
        version = stack.rpc('describe', {'packageName': 'nginx'})['package']['version']
        path = os.path.join(b.downloads, f'nginx-{version}-options.json')
        wait_until(lambda: os.path.exists(path), 10, f'the downloaded options {path}')
        with open(path) as f:
            check(instances_of(json.load(f)) == 2, f'downloaded options {path} hold 2 instances')
        upload = os.path.join(b.profile, 'upload.json')
        with open(upload, 'w') as f:
            json.dump({section: {'instances': 4}}, f)
        b.css('.options-toolbar input[type=file]').send_keys(upload)
        wait_until(lambda: b.field_control(ptr).get_attribute('value') == '4', 10, 'the uploaded options in the form')
        wait_preview(b, lambda app: app and app.get('instances') == 4, 'the preview with the uploaded options')
        check(instances_of(json.loads(json_editor(b).get_attribute('value'))) == 4, 'the JSON editor shows the upload')


def case_field_error(paths):
    """An invalid value: the server's JsonSchemaMismatch error appears at that field."""
    with session(paths, 'field_error') as (stack, b):
        b.expect_failure(r'^/package/render$', 400)
        b.open('/ui/package/nginx')
        ptr = instances_pointer(b)
        wait_preview(b, lambda app: app and app.get('instances') == 1, 'the default preview')
        b.set_value(b.field_control(ptr), '0')
        field = b.field(ptr)
        error = wait_until(lambda: next((e for e in b.all('.field-error', field) if e.is_displayed() and e.text), None),
                           20, f'an error at {ptr}')
        check('at least 1' in error.text, f'error text {error.text!r}')
        check(b.field_control(ptr).get_attribute('aria-invalid') == 'true', 'the control is marked invalid')
        summary = b.wait_css('.error-summary')
        check(ptr in summary.text, f'the summary names {ptr}: {summary.text!r}')
        # Only that field is marked.
        marked = b.script("return [...document.querySelectorAll('.has-error')].map(e => e.dataset.pointer)")
        check(marked == [ptr], f'fields marked: {marked}')
        b.screenshot('package-field-error')
        # A wrong type through the JSON editor lands at the same field.
        section = ptr.split('/')[1]
        options = json.loads(json_editor(b).get_attribute('value'))
        options[section]['instances'] = 'many'
        b.script('arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event("input", {bubbles: true}))',
                 json_editor(b), json.dumps(options))
        wait_until(lambda: 'integer' in b.css('.field-error', b.field(ptr)).text, 20, 'the type error at the field')
        # Fixing the value clears the error and the preview comes back.
        b.set_value(b.field_control(ptr), '2')
        wait_preview(b, lambda app: app and app.get('instances') == 2, 'the preview after the fix')
        wait_until(lambda: not b.all('.has-error'), 10, 'the error to go')


def case_install_history(paths):
    """Install from the page, see the notes, the service, its options and its history."""
    with session(paths, 'install_history') as (stack, b):
        b.expect_failure(r'^/package/install$', 409)
        b.open('/ui/package/nginx')
        ptr = instances_pointer(b)
        b.set_value(b.field_control(ptr), '2')
        wait_preview(b, lambda app: app and app.get('instances') == 2, 'the preview with 2 instances')
        b.set_value(b.control('App ID (optional)'), '/web/site')
        b.click(b.button('Install nginx ' + stack.rpc('describe', {'packageName': 'nginx'})['package']['version']))
        done = b.wait_text('.install-result .message-success', 'Installed nginx')
        check('/web/site' in done.text, f'result names the app: {done.text!r}')
        notes = stack.rpc('describe', {'packageName': 'nginx'})['package'].get('postInstallNotes')
        if notes:
            check(notes.split('\n')[0][:30] in done.text, 'post-install notes are shown')
        b.click(b.driver.find_element(By.LINK_TEXT, 'Open the service /web/site'))
        b.wait_text('main h1', '/web/site')
        check(b.driver.current_url.endswith('/ui/services/web/site'), f'service URL {b.driver.current_url}')
        options = b.wait_css('.json-view')
        resolved = service_options(stack, '/web/site')['resolvedOptions']
        check(json.loads(options.text) == resolved, f'the service shows its options: {options.text[:300]!r}')
        check(instances_of(resolved) == 2, f'installed with 2 instances: {resolved}')
        # Every line of the options starts on its own line (highlighted ones included).
        lefts = b.script("return [...document.querySelectorAll('.json-view mark')].map(m => m.getBoundingClientRect().left - m.parentElement.getBoundingClientRect().left)")
        check(lefts and all(abs(x) < 1 for x in lefts), f'highlighted lines start at the left edge: {lefts}')
        item = b.wait_css('.timeline-item')
        check('Installed' in item.text and 'nginx' in item.text, f'history: {item.text!r}')
        b.driver.set_window_size(1280, 1250)
        b.screenshot('service')
        b.driver.set_window_size(1280, 900)
        # Installing the same app ID again: a clear message, not JSON.
        b.open('/ui/package/nginx')
        b.set_value(b.control('App ID (optional)'), '/web/site')
        b.click(b.css('.install-actions button'))
        refused = b.wait_css('.install-result .message-error')
        check('already installed' in refused.text, f'PackageAlreadyInstalled message: {refused.text!r}')
        check('{' not in refused.text, 'no raw JSON in the message')
        install_nginx(stack, 'other')
        b.open('/ui/services')
        rows = wait_until(lambda: [r.text for r in b.all('.services-table tbody tr')], 10, 'the services')
        check(len(rows) == 2 and any('/web/site' in r for r in rows) and any('/other' in r for r in rows),
              f'services list: {rows}')
        b.screenshot('services')


def case_update_diff(paths):
    """Edit a service's options in the form, review the diff, update."""
    with session(paths, 'update_diff') as (stack, b):
        install_nginx(stack, 'web')
        b.open('/ui/services/web')
        b.click(b.button('Edit options'))
        ptr = instances_pointer(b)
        b.set_value(b.field_control(ptr), '3')
        wait_preview(b, lambda app: app and app.get('instances') == 3, 'the preview of the update')
        b.click(b.button('Review the update…'))
        dialog = b.wait_css('dialog[open]')
        check(ptr in dialog.text and '3' in dialog.text, f'the diff names the change: {dialog.text!r}')
        b.screenshot('service-update-diff')
        confirm_dialog(b, 'Update the service')
        b.wait_text('.service-status .message-success', 'Updated /web')
        described = service_options(stack, '/web')
        check(instances_of(described['resolvedOptions']) == 3, f'the service runs with 3 instances: {described}')
        wait_until(lambda: any('Updated' in e.text for e in b.all('.timeline-item')), 10, 'the update in the history')
        b.driver.set_window_size(1280, 1250)
        b.script('window.scrollTo(0, 0)')
        b.screenshot('service-history')
        b.driver.set_window_size(1280, 900)
        # Nothing changed: no update is sent.
        b.click(b.button('Edit options'))
        b.click(b.button('Review the update…'))
        b.wait_text('.update-result', 'Nothing to update')
        # Options that would rename the app: the review says so before anything is sent.
        name_ptr = f'/{nginx_section(stack)}/name'
        b.set_value(b.field_control(name_ptr), 'renamed')
        wait_preview(b, lambda app: app and app.get('id') == '/renamed', 'the preview of the renamed app')
        b.click(b.button('Review the update…'))
        dialog = b.wait_css('dialog[open]')
        check('another ID' in dialog.text, f'the review warns about the new app ID: {dialog.text!r}')
        confirm_dialog(b, 'Cancel')
        check(service_options(stack, '/web')['package']['name'] == 'nginx', 'nothing was sent')


def case_rollback(paths):
    """Roll back to an earlier history record through the page (needs POST /package/rollback)."""
    with session(paths, 'rollback') as (stack, b):
        install_nginx(stack, 'web')
        section = nginx_section(stack)
        stack.rpc('service.update', {'appId': '/web', 'options': {section: {'name': 'web', 'instances': 3}},
                                     'replace': True})
        records = stack.rpc('history', {'appId': '/web'})['records']
        check(all('restorable' in r for r in records),
              'the server does not report "restorable" history records: POST /package/rollback is missing in this build')
        install_record = next(r for r in records if r['operation'] == 'install')
        b.open('/ui/services/web')
        item = b.wait_css(f'.timeline-item[data-record="{install_record["id"]}"]')
        b.click(b.button('Roll back to this', item))
        confirm_dialog(b, 'Roll back')
        b.wait_text('.service-status .message-success', 'Rolled back /web')
        check(instances_of(service_options(stack, '/web')['resolvedOptions']) == 1, 'the install options are back')
        wait_until(lambda: any('Rolled back' in e.text for e in b.all('.timeline-item')), 10, 'the rollback in the history')
        b.screenshot('service-rollback')


def case_uninstall(paths):
    """Uninstall behind a confirmation; cancelling keeps the service."""
    with session(paths, 'uninstall') as (stack, b):
        install_nginx(stack, 'web')
        b.open('/ui/services/web')
        b.click(b.button('Uninstall…'))
        dialog = b.wait_css('dialog[open]')
        check(b.script('return document.activeElement.textContent') == 'Cancel', 'Cancel has the focus in a destructive dialog')
        dialog.send_keys(Keys.ESCAPE)
        wait_until(lambda: not b.all('dialog[open]'), 10, 'Escape to close the dialog')
        check(len(stack.rpc('list', {})['packages']) == 1, 'cancelling keeps the service')
        b.click(b.button('Uninstall…'))
        confirm_dialog(b, 'Uninstall /web')
        b.wait_text('main h1', 'Services')
        b.wait_text('.message-success', 'Uninstalled /web')
        b.wait_text('.empty-state', 'No services are installed')
        check(stack.rpc('list', {})['packages'] == [], 'the service is gone')
        records = stack.rpc('history', {'appId': '/web'})['records']
        check(records[0]['operation'] == 'uninstall', f'history: {records[0]}')


def case_repositories(paths):
    """Repositories in priority order with health; add one, delete one, errors in words."""
    with session(paths, 'repositories') as (stack, b):
        serve = Process([paths.repo_tool, 'serve', stack.repository_dir, '--listen', '127.0.0.1:0'],
                        os.path.join(stack.dir, 'serve.log'))
        stack.processes.append(serve)
        port = serve.wait_for(r'listening on 127\.0\.0\.1:(\d+)').group(1)
        b.expect_failure(r'^/package/repository/add$', 400)
        b.open('/ui/repositories')
        row = b.wait_css('.repo-table tbody tr')
        check('Universe' in row.text and 'Healthy' in row.text, f'the repository and its health: {row.text!r}')
        status = stack.rpc('repository.list', {})['repositories'][0]['status']
        check(f"{status['packages']} packages" in row.text, f'package count in {row.text!r}')
        if 'revisions' in status:
            check(f"{status['revisions']} revisions" in row.text, f'revision count in {row.text!r}')
        b.set_value(b.control('Name'), 'mirror')
        b.set_value(b.control('URL'), f'http://127.0.0.1:{port}/repo')
        b.set_value(b.control('Position (optional)'), '0')
        b.click(b.button('Add repository'))
        b.wait_text('.repo-result .message-success', 'Added the repository mirror')
        rows = wait_until(lambda: [r.text for r in b.all('.repo-table tbody tr')] if len(b.all('.repo-table tbody tr')) == 2 else None,
                          10, 'two repositories')
        check(rows[0].startswith('0') and 'mirror' in rows[0], f'mirror has priority 0: {rows}')
        check('Healthy' in rows[0], f'mirror is healthy: {rows[0]!r}')
        b.screenshot('repositories')
        # The catalog now names the mirror as the packages' repository (the first one wins).
        b.open('/ui/')
        b.wait_css('.card')
        _, count = facet_box(b, 'Repository', 'mirror')
        check(count.text == f'({len(stack.packages)})', f'mirror supplies every package: {count.text}')
        # Errors are sentences.
        b.open('/ui/repositories')
        b.wait_css('.repo-table')
        b.set_value(b.control('Name'), 'ftp')
        b.set_value(b.control('URL'), 'ftp://example.invalid/repo')
        b.click(b.button('Add repository'))
        error = b.wait_css('.repo-result .message-error')
        check('unsupported scheme' in error.text, f'error message: {error.text!r}')
        # Delete the mirror.
        b.click(b.button('Delete…', b.all('.repo-table tbody tr')[0]))
        confirm_dialog(b, 'Delete repository')
        b.wait_text('.repo-result .message-success', 'Deleted the repository mirror')
        names = [r['name'] for r in stack.rpc('repository.list', {})['repositories']]
        check(names == ['Universe'], f'repositories after the delete: {names}')


def case_publish(paths):
    """Drop a .dcos bundle to publish it; local packages with their state; delete one."""
    with session(paths, 'publish') as (stack, b):
        work = tempfile.mkdtemp(dir=stack.dir)
        bundle = make_bundle(paths, work)
        b.expect_failure(r'^/package/add$', 409)
        b.open('/ui/publish')
        b.wait_text('.local-packages', 'No package is published here yet')
        b.drop_file('[data-drop-zone="bundle"]', bundle)
        b.wait_text('.publish-result .message-success', 'Published hello-ui 1.0.0')
        row = b.wait_text('.local-table tbody tr', 'hello-ui')
        check('Installed' in row.text, f'state of the local package: {row.text!r}')
        b.screenshot('publish')
        # Again: refused with a way forward; with "replace" ticked, through the file chooser.
        b.drop_file('[data-drop-zone="bundle"]', bundle)
        refused = b.wait_css('.publish-result .message-error')
        check('Replace' in refused.text, f'the refusal suggests replacing: {refused.text!r}')
        b.click(b.control('Replace the version if it is already published'))
        b.css('.drop-zone input[type=file]').send_keys(bundle)
        b.wait_text('.publish-result .message-success', 'Published hello-ui 1.0.0')
        # It is in the catalog.
        b.open('/ui/?q=hello-ui')
        wait_cards(b, ['hello-ui'], 'the published package in the catalog')
        b.click(b.css('.card'))
        b.wait_text('main h1', 'hello-ui')
        check('local' in b.css('.package-details').text, 'the package page names the local repository')
        # Delete it.
        b.open('/ui/publish')
        row = b.wait_text('.local-table tbody tr', 'hello-ui')
        b.click(b.button('Delete…', row))
        confirm_dialog(b, 'Delete package')
        b.wait_text('.publish-result .message-success', 'Deleted hello-ui 1.0.0')
        b.wait_text('.local-packages', 'No package is published here yet')
        check(stack.rpc('local.list', {})['packages'] == [], 'the local repository is empty')


def case_token(paths):
    """A token entered in the page is kept for the tab only and sent with every call; 401/403 are explained."""
    with session(paths, 'token', token='s3cret') as (stack, b):
        b.expect_failure(r'^/package/install$', 401)
        b.expect_failure(r'^/package/install$', 403)
        b.open('/ui/package/nginx')
        install_button = b.wait_css('.install-actions button')
        b.click(install_button)
        error = b.wait_css('.install-result .message-error')
        check('Authentication required' in error.text, f'401 message: {error.text!r}')
        b.click(b.button('Set token', error))
        dialog = b.wait_css('dialog[open]')
        field = b.control('API token', dialog)
        field.send_keys('wrong')
        b.click(b.button('Save token', dialog))
        b.click(b.css('.install-actions button'))
        b.wait_text('.install-result .message-error', 'Not allowed')
        b.click(b.css('#token-button'))
        field = b.control('API token', b.wait_css('dialog[open]'))
        b.set_value(field, 's3cret')
        field.send_keys(Keys.ENTER)
        check(b.css('#token-button').text == 'Token set', 'the header shows that a token is set')
        b.click(b.css('.install-actions button'))
        b.wait_text('.install-result .message-success', 'Installed nginx')
        check(b.script("return sessionStorage.getItem('cosmos-ui.token')") == 's3cret', 'the token is in sessionStorage')
        check(b.script('return localStorage.length') == 0, 'nothing in localStorage')
        held = [c for c in b.driver.get_cookies() if 's3cret' in urllib.parse.unquote(c['value'])]
        check(all('expiry' not in c for c in held), f'a cookie keeps the token past the session: {held}')


def case_sign_in(paths):
    """With authentication on, a browser without a token gets a sign-in page; a wrong token is explained; a read token opens the catalog for the session, and a call it may not make says which role it needs."""
    tokens = {'admin': 'admin-secret', 'read': 'reader-secret'}
    with session(paths, 'sign_in', server_tokens=tokens) as (stack, b):
        b.expect_failure(r'^/ui/', 401)
        b.expect_failure(r'^/capabilities$', 401)
        b.expect_failure(r'^/package/install$', 403)
        b.open('/ui/package/nginx')
        check(b.css('main h1').text == 'Sign in to the package catalog', 'the sign-in page is shown')
        check(not b.all('.card-item'), 'no catalog without a token')
        b.screenshot('sign-in')
        field = b.css('#signin-token')
        field.send_keys('wrong-token')
        b.click(b.css('#signin-form button'))
        b.wait_text('#signin-error', 'not accepted')
        b.set_value(field, 'reader-secret')
        field.send_keys(Keys.ENTER)
        # The page reloads on the deep link it was asked for, now with the catalog's package page.
        b.wait_css('.install-actions button', timeout=30)
        check(b.driver.current_url.endswith('/ui/package/nginx'), f'the deep link was kept: {b.driver.current_url}')
        check(b.script("return sessionStorage.getItem('cosmos-ui.token')") == 'reader-secret', 'the token is in sessionStorage')
        held = [c for c in b.driver.get_cookies() if c['name'] == 'cosmos_token']
        check(len(held) == 1 and 'expiry' not in held[0] and held[0].get('sameSite') == 'Strict',
              f'one session cookie, SameSite=Strict: {held}')
        # A read token may browse but not install: the page says which role that needs.
        b.click(b.css('.install-actions button'))
        error = b.wait_css('.install-result .message-error')
        check("needs the install role; your token has the read role" in error.text,
              f'the 403 names the roles: {error.text!r}')
        # A new tab of the session (no sessionStorage) works from the cookie alone.
        b.script("sessionStorage.clear()")
        b.open('/ui/')
        wait_until(lambda: len(shown_cards(b)) > 0, 20, 'the catalog to show cards with the cookie alone')


def labelled_controls_report(b):
    """Form controls without an accessible name."""
    return b.script("""
        return [...document.querySelectorAll('input, select, textarea, button')].filter((el) => {
          if (el.type === 'hidden' || el.closest('[hidden]')) return false;
          if (el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')) return false;
          if (el.tagName === 'BUTTON') return !el.textContent.trim();
          if (el.id && document.querySelector(`label[for="${CSS.escape(el.id)}"]`)) return false;
          return !el.closest('label');
        }).map((el) => el.outerHTML.slice(0, 120));""")


def case_keyboard_layout(paths):
    """Keyboard only, labels on every control, visible focus, and layouts from 360 to 1920 px."""
    with session(paths, 'keyboard_layout') as (stack, b):
        install_nginx(stack, 'web')
        pages = ['/ui/', '/ui/package/nginx', '/ui/services', '/ui/services/web', '/ui/repositories', '/ui/publish']
        for width in (360, 768, 1920):
            b.driver.set_window_size(width, 900)
            for page in pages:
                b.open(page)
                time.sleep(0.3)
                if page == '/ui/package/nginx':
                    b.wait_css('.preview .json-view')
                check(b.no_horizontal_overflow(), f'{page} overflows horizontally at {width} px')
                unlabelled = labelled_controls_report(b)
                check(not unlabelled, f'controls without a label on {page}: {unlabelled}')
            if width == 360:
                b.open('/ui/')
                b.wait_css('.card')
                b.screenshot('catalog-360')
        b.driver.set_window_size(1280, 900)
        # From the catalog to an install with the keyboard alone.
        b.open('/ui/')
        b.wait_css('.card')
        b.press(Keys.TAB)
        check(b.script('return document.activeElement.className') == 'skip-link', 'the first Tab reaches the skip link')
        outline = b.script('return getComputedStyle(document.activeElement).outlineStyle')
        check(outline not in ('none', ''), f'focus is visible (outline {outline})')
        b.press('/')
        b.press('nginx')
        wait_cards(b, [p['name'] for p in stack.rpc('search', {'query': 'nginx'})['packages']], 'typed search')
        for _ in range(40):
            b.press(Keys.TAB)
            if b.script("return document.activeElement.classList.contains('card')"):
                break
        check(b.script("return document.activeElement.classList.contains('card')"), 'Tab reaches the cards')
        b.press(Keys.ENTER)
        b.wait_text('main h1', 'nginx')
        check(b.script("return document.activeElement.tagName") == 'H1', 'focus moves to the new page\'s heading')
        b.wait_css('.preview .json-view')
        # Tab to the install button and press it.
        for _ in range(400):
            b.press(Keys.TAB)
            if b.script("return document.activeElement.closest('.install-actions') !== null"):
                break
        check(b.script("return document.activeElement.textContent.startsWith('Install nginx')"), 'Tab reaches Install')
        b.press(Keys.ENTER)
        b.expect_failure(r'^/package/install$', 409)
        b.wait_css('.install-result .message')


CASES = {name[len('case_'):]: fn for name, fn in globals().items() if name.startswith('case_')}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--build', required=True)
    parser.add_argument('--source', required=True)
    parser.add_argument('--shared', default='')
    parser.add_argument('case', choices=sorted(CASES))
    args = parser.parse_args()
    paths = Paths(args.build, args.source, args.shared)
    for binary in (paths.server, paths.emulator, paths.repo_tool):
        if not os.access(binary, os.X_OK):
            print(f'missing {binary}: build the project first (scripts/setup)')
            return 1
    started = time.monotonic()
    try:
        CASES[args.case](paths)
    except Exception:  # noqa: BLE001 - report any failure with its trace
        traceback.print_exc()
        print(f'FAILED: {args.case} after {time.monotonic() - started:.1f} s')
        return 1
    print(f'PASSED: {args.case} in {time.monotonic() - started:.1f} s; screenshots in {paths.screenshots}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
