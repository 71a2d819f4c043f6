#!/usr/bin/env python3
"""Writes a seed corpus for every fuzz target (README "Fuzzing") from the project's own data:
the bundled Universe (universe/), our schemas (schemas/), tests/data, the README's requests, the
JSON-Schema-Test-Suite (Debian package json-schema-test-suite) and, when present, ../shared (the
real Universe corpus, the mustache specification, Marathon's examples).

    tests/fuzz/make_seeds.py OUT [--max N] [--max-bytes B] [--own-data-only]

OUT/<target>/ receives at most N seeds of at most B bytes each (a deterministic pick across all
sources). The input layout of each target is described at the top of tests/fuzz/<target>_fuzz.cpp.
tests/fuzz/seeds/ holds the small set that the replay tests use, made from this project's own
files only (no third-party data is copied into the tree):
    tests/fuzz/make_seeds.py tests/fuzz/seeds --max 6 --max-bytes 16384 --own-data-only
"""

import argparse
import base64
import glob
import hashlib
import io
import json
import os
import random
import re
import sys
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# Third-party data, used when present and not --own-data-only.
SHARED = os.path.join(os.path.dirname(ROOT), "shared")
TEST_SUITE = "/usr/share/json-schema-test-suite/tests/draft4"
REQUEST_SEPARATOR = b"\n----next request----\n"
TREE_FILES = ["package.json", "config.json", "marathon.json.mustache", "resource.json",
              "command.json"]


def read(path):
    with open(path, "rb") as f:
        return f.read()


def load_json(data):
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return None


def dumps(value):
    return json.dumps(value).encode()


# --- the project's data ------------------------------------------------------------------------

def revisions():
    """Every revision folder of the bundled Universe and of the shared corpus: {file: bytes}."""
    roots = [os.path.join(ROOT, "universe")]
    if os.path.isdir(os.path.join(SHARED, "corpus", "universe")):
        roots.append(os.path.join(SHARED, "corpus", "universe"))
    out = []
    for root in roots:
        for folder in sorted(glob.glob(os.path.join(root, "repo", "packages", "*", "*", "*"))):
            if not os.path.isdir(folder):
                continue
            files = {name: read(os.path.join(folder, name)) for name in TREE_FILES
                     if os.path.isfile(os.path.join(folder, name))}
            if "package.json" in files:
                out.append((folder, files))
    return out


def repository_entry(files, release):
    """A repository entry built from a revision as the Universe generator builds it."""
    package = load_json(files["package.json"])
    if not isinstance(package, dict):
        return None
    entry = dict(package)
    entry["releaseVersion"] = release
    for name, key in (("resource.json", "resource"), ("config.json", "config"),
                      ("command.json", "command")):
        if name in files:
            value = load_json(files[name])
            if value is not None:
                entry[key] = value
    if "marathon.json.mustache" in files:
        entry["marathon"] = {"v2AppMustacheTemplate":
                             base64.b64encode(files["marathon.json.mustache"]).decode()}
    return entry


def defaults(schema):
    """The options a config schema's defaults give (enough for a mustache context)."""
    if not isinstance(schema, dict):
        return None
    if "default" in schema:
        return schema["default"]
    props = schema.get("properties")
    if isinstance(props, dict):
        out = {}
        for key, sub in props.items():
            value = defaults(sub)
            if value is not None:
                out[key] = value
        return out
    return None


def test_suite_cases():
    """(schema, instance) pairs of the JSON-Schema-Test-Suite draft 4."""
    out = []
    for path in sorted(glob.glob(os.path.join(TEST_SUITE, "*.json"))):
        for group in load_json(read(path)) or []:
            for test in group.get("tests", []):
                out.append((group["schema"], test["data"]))
    return out


def patterns(value, found):
    if isinstance(value, dict):
        for key, sub in value.items():
            if key == "pattern" and isinstance(sub, str):
                found.append(sub)
            elif key == "patternProperties" and isinstance(sub, dict):
                found.extend(sub.keys())
            patterns(sub, found)
    elif isinstance(value, list):
        for sub in value:
            patterns(sub, found)
    return found


def media_types():
    out = []
    for path in glob.glob(os.path.join(ROOT, "cosmos", "http", "*.h")):
        out += re.findall(rb'"(application/vnd\.dcos\.[^"]+)"', read(path))
    return sorted(set(out))


def readme_requests():
    """The README's curl commands as wire requests."""
    text = read(os.path.join(ROOT, "README.md")).decode()
    out = []
    for block in re.findall(r"curl (?:[^\n]*\\\n)*[^\n]*", text):
        command = block.replace("\\\n", " ")
        url = re.search(r"https?://[^/\s']+(/[^\s']*)", command)
        if not url:
            continue
        method = re.search(r"-X (\w+)", command)
        body = re.search(r"-d '([^']*)'", command)
        headers = re.findall(r"-H '([^']*)'", command)
        method = method.group(1) if method else ("POST" if body else "GET")
        lines = ["%s %s" % (method, url.group(1)), "Host: 127.0.0.1:7070"] + headers
        out.append(("\r\n".join(lines) + "\r\n\r\n" + (body.group(1) if body else "")).encode())
    return out


def zip_bytes(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def bundle_metadata(entry):
    metadata = {k: v for k, v in entry.items()
                if k not in ("releaseVersion", "selected", "command")}
    return json.dumps(metadata, indent=2).encode()


# --- the seeds of each target ------------------------------------------------------------------

def seeds():
    trees = revisions()
    entries = []  # (name, packagingVersion, entry)
    for folder, files in trees:
        release = int(os.path.basename(folder)) if os.path.basename(folder).isdigit() else 0
        entry = repository_entry(files, release)
        if entry:
            entries.append((entry.get("name", ""), str(entry.get("packagingVersion", "")), entry))
    options = {os.path.basename(p)[:-5]: read(p)
               for p in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "options", "*.json")))}
    schema_files = sorted(glob.glob(os.path.join(ROOT, "schemas", "*.json")))
    suite = test_suite_cases()
    s = {}

    s["json"] = [read(p) for p in schema_files]
    s["json"] += list(options.values())
    s["json"] += [read(p) for p in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "golden", "*.json")))]
    s["json"] += [files[name] for _, files in trees for name in files if name.endswith(".json")]
    s["json"] += [b'{"a": 1, "a": 2}', b'[1e400, -0.0, 1.5e-7, 18446744073709551615]',
                  b'"\\ud83d\\ude00"', b"[[[[[[[[]]]]]]]]"]
    for example in sorted(glob.glob(os.path.join(SHARED, "spec", "marathon", "examples", "*.json"))):
        s["json"].append(read(example))

    s["package_tree"] = [bytes([i % 4]) + b"\0".join(files.get(n, b"") for n in TREE_FILES)
                         for i, (_, files) in enumerate(trees)]

    s["repository"] = [b"\x02" + dumps({"packages": []})]
    for i, (_, _, entry) in enumerate(entries):
        s["repository"].append(bytes([i % 3]) + dumps({"packages": [entry]}))
        # The generator's layout: ", " and ": " separators.
        s["repository"].append(bytes([(i + 1) % 3]) +
                               json.dumps({"packages": [entry]}, separators=(", ", ": ")).encode())

    legacy = [(n, e) for n, v, e in entries if v == "2.0"]
    index = dumps({"version": "2.0.0", "packages": []})
    for i in range(0, len(legacy), 2):
        files = [("universe-version-2.x/repo/meta/index.json", index)]
        for name, entry in legacy[i:i + 2]:
            folder = "universe-version-2.x/repo/packages/%s/%s/%d/" % (
                name[:1].upper(), name, entry["releaseVersion"])
            package = {k: v for k, v in entry.items()
                       if k not in ("releaseVersion", "marathon", "config", "resource", "command")}
            files.append((folder + "package.json", dumps(package)))
            if "marathon" in entry:
                files.append((folder + "marathon.json.mustache",
                              base64.b64decode(entry["marathon"]["v2AppMustacheTemplate"])))
            for key in ("config", "resource", "command"):
                if key in entry:
                    files.append((folder + key + ".json", dumps(entry[key])))
        s.setdefault("repository_zip", []).append(zip_bytes(files))
        s["repository_zip"].append(b"\0".join(p.encode() + b"\0" + d for p, d in files))

    s["bundle"] = []
    for _, version, entry in entries:
        if version in ("3.0", "4.0", "5.0"):
            metadata = bundle_metadata(entry)
            s["bundle"].append(zip_bytes([("metadata.json", metadata)]))
            s["bundle"].append(metadata)

    s["json_schema"] = [dumps(schema) + b"\0" + dumps(data) for schema, data in suite]
    for name, _, entry in entries:
        if "config" in entry:
            instance = options.get(name, dumps(defaults(entry["config"]) or {}))
            s["json_schema"].append(dumps(entry["config"]) + b"\0" + instance)
    package_schema = os.path.join(ROOT, "schemas", "package-schema.json")
    for _, files in trees[:4]:
        s["json_schema"].append(read(package_schema) + b"\0" + files["package.json"])

    found = []
    for p in schema_files:
        patterns(load_json(read(p)), found)
    for schema, _ in suite:
        patterns(schema, found)
    for _, _, entry in entries:
        patterns(entry.get("config"), found)
    subjects = [b"", b"kafka", b"1.2.3-beta", b"http://example.com/x", b"a\nb", b"\xc3\xa9\xf0\x9f\x98\x80"]
    s["regex"] = [p.encode() + b"\0" + subjects[i % len(subjects)]
                  for i, p in enumerate(sorted(set(found)))]
    s["regex"] += [b"^(a+)+$\0aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!", b"(?<x>[\\d.]{2,5})|\\u00e9\0e\xc3\xa9"]

    s["mustache"] = []
    for name, _, entry in entries:
        if "marathon" in entry:
            template = base64.b64decode(entry["marathon"]["v2AppMustacheTemplate"])
            context = dict(defaults(entry.get("config")) or {})
            context["resource"] = entry.get("resource", {})
            s["mustache"].append(template + b"\0" + dumps(context))
    for path in sorted(glob.glob(os.path.join(SHARED, "spec", "mustache", "*.json"))):
        for test in (load_json(read(path)) or {}).get("tests", []):
            context = test.get("data")
            if isinstance(context, dict) and test.get("partials"):
                context = dict(context, partials=test["partials"])
            s["mustache"].append(test["template"].encode() + b"\0" + dumps(context))
    s["mustache"].append(b'{"id": "{{#asJson}}service{{/asJson}}"}\0{"service": {"name": "x"}}')

    types = media_types()
    s["media_type"] = list(types)
    s["media_type"] += [t + b"," + types[0] for t in types[:8]]
    s["media_type"] += [b"*/*", b"application/json", b"text/plain;q=0.5, */*;q=0",
                        b"application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v3;q=0.9,"
                        b"application/vnd.dcos.package.describe-response+json;charset=utf-8;version=v2",
                        b'application/x;a="quoted \\" value";b=1']

    s["request_body"] = [b"{}", b"null", b'{"query": "kafka"}',
                         b'{"packageName": "kafka", "packageVersion": "2.10.0-2.4.0", "appId": "kafka"}',
                         b'{"packageName": "nginx", "includePackageVersions": true}',
                         b'{"name": "x", "uri": "https://example.com/repo", "index": "0"}',
                         b'{"appId": "/kafka", "options": {}, "replace": false, "packageVersion": "1"}',
                         b'{"packageName": "kafka", "appId": "/kafka", "all": true}']
    for name, data in options.items():
        s["request_body"].append(b'{"packageName": "' + name.encode() + b'", "options": ' + data + b"}")

    s["app_id"] = [b"kafka", b"/kafka", b"/prod/kafka", b"", b"/", b"//x", b"/../x", b"a b", b"/a/"]
    s["version"] = [b"1.10\x001.9.0\x002.1.0-beta.1", b"1.9\x001.9.0\x001.9.1", b"0\x00007\x0018446744073709551615",
                    b"2.0-dev\x002.0\x002.0-rc.1", b"1.10.0.dev1\x001.10a\x00v1.2"]

    requests = readme_requests()
    s["http_request"] = list(requests)
    by_path = {r.split(b" ")[1].split(b"?")[0]: r for r in requests}
    install = by_path.get(b"/package/install")
    sequence = [r for r in (install, by_path.get(b"/package/list"), by_path.get(b"/package/history"),
                            by_path.get(b"/package/uninstall")) if r]
    s["http_request"].append(REQUEST_SEPARATOR.join(sequence))
    if s["bundle"]:
        s["http_request"].append(
            b"POST /package/add\r\nContent-Type: application/vnd.dcos.universe.package+zip;version=v1\r\n"
            b"Accept: application/vnd.dcos.package.add-response+json;charset=utf-8;version=v1\r\n\r\n" +
            s["bundle"][0])
    add = by_path.get(b"/package/repository/add")
    if add:
        s["http_request"].append(add.replace(b"http://127.0.0.1:8085/repo", b"http://repository.invalid/repo"))
    return s


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out")
    parser.add_argument("--max", type=int, default=0, help="seeds per target (0: all)")
    parser.add_argument("--max-bytes", type=int, default=65536)
    parser.add_argument("--own-data-only", action="store_true",
                        help="leave out ../shared and the JSON-Schema-Test-Suite")
    args = parser.parse_args()
    if args.own_data_only:
        global SHARED, TEST_SUITE
        SHARED = TEST_SUITE = os.path.join(ROOT, "no-such-folder")
    for target, items in sorted(seeds().items()):
        items = [i for i in items if len(i) <= args.max_bytes]
        items = sorted(set(items))
        random.Random(target).shuffle(items)
        if args.max:
            items = items[:args.max]
        folder = os.path.join(args.out, target)
        os.makedirs(folder, exist_ok=True)
        for item in items:
            name = "seed-" + hashlib.sha1(item).hexdigest()[:16]
            with open(os.path.join(folder, name), "wb") as f:
                f.write(item)
        print("%s: %d seeds" % (target, len(items)))


if __name__ == "__main__":
    sys.exit(main())
