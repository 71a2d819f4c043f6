#include "repo-tool/commands.h"

namespace repo_tool {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"validate", "check every package revision of a Universe source tree",
         "repo-tool validate TREE [--strict] [--threads N]\n"
         "  TREE         a Universe source tree (with repo/packages/<L>/<name>/<revision>/)\n"
         "  --strict     a template that does not render with its defaults to a JSON object is\n"
         "               an error (otherwise a warning)\n"
         "  --threads N  revisions checked in parallel (default: one per core)\n"
         "Prints one 'path: message' line per problem. Exit 0 when there is no error, 1 otherwise.",
         run_validate},
        {"build", "write the served repository files of a source tree",
         "repo-tool build TREE OUT [--strict] [--threads N]\n"
         "  Validates TREE, then writes to OUT: universe.json, repo-empty-v3.json,\n"
         "  repo-up-to-<X>.json for DC/OS 1.8 ... 2.0 (each with a .content_type file) and the\n"
         "  legacy zip repository repo-up-to-1.7.zip. With any error nothing is written.\n"
         "  --strict and --threads as for validate.",
         run_build},
        {"bundle", "make a .dcos bundle from a package folder",
         "repo-tool bundle DIR OUT.dcos\n"
         "  DIR  a package folder (package.json with packagingVersion 3.0 or later,\n"
         "       config.json, marathon.json.mustache, resource.json), such as one revision\n"
         "       folder of a tree; given a tree's package folder (.../K/kafka), its latest\n"
         "       revision\n"
         "  Writes a zip holding metadata.json, the form POST /package/add accepts, after\n"
         "  reading it back with the service's limits and checks.",
         run_bundle},
        {"inspect", "check a .dcos bundle and print its metadata",
         "repo-tool inspect FILE.dcos [--json]\n"
         "  Reads the bundle with the same limits and checks as the service (at most 1000\n"
         "  entries, 16 MiB per entry, 64 MiB in all), then prints a summary (or the whole\n"
         "  metadata.json with --json).",
         run_inspect},
        {"render", "print the Marathon app the package service would post",
         "repo-tool render TREE NAME [--version V] [--options FILE] [--app-id ID] [--source URI]\n"
         "  Renders the latest revision of NAME (or the one with version V) with its defaults\n"
         "  merged with the options in FILE, exactly as cosmos-server does, labels included.\n"
         "  --source sets DCOS_PACKAGE_SOURCE (default: the tree's file:// URI).",
         run_render},
        {"add", "add a package folder or .dcos bundle to a tree as its next revision",
         "repo-tool add TREE SOURCE [--strict] [--create]\n"
         "  TREE      an existing Universe source tree (with repo/packages/)\n"
         "  SOURCE    a package folder (package.json, config.json, marathon.json.mustache,\n"
         "            resource.json) or a .dcos bundle\n"
         "  --strict  as for validate\n"
         "  --create  start a new tree at TREE when there is none\n"
         "  Writes TREE/repo/packages/<L>/<name>/<N>/, N one more than the package's highest\n"
         "  revision (0 for a new package). The new revision is checked as 'validate' checks it,\n"
         "  and its version must not exist in the package yet; on any error nothing is written.\n"
         "  An existing revision is never overwritten.",
         run_add},
        {"publish", "upload a .dcos bundle to a running package service",
         "repo-tool publish BUNDLE --to URL [--token T] [--replace]\n"
         "  POSTs BUNDLE to URL/package/add (Content-Type\n"
         "  application/vnd.dcos.universe.package+zip;version=v1) and prints the package's name,\n"
         "  version and releaseVersion. --token sends 'Authorization: token=T'; --replace\n"
         "  overwrites a version that is already there. Exit 1 with the service's error message\n"
         "  when it refuses.",
         run_publish},
        {"serve", "serve a built repository as the Universe Server does",
         "repo-tool serve OUT [--listen HOST:PORT] [--threads N]\n"
         "  OUT          what 'repo-tool build' wrote (a source tree is refused: build it first)\n"
         "  --listen     the address to serve on (default 127.0.0.1:8085; port 0: any free port)\n"
         "  --threads N  HTTP worker threads (default: one per core)\n"
         "  GET /repo picks repo-up-to-<DC/OS>.json by the 'dcos/X.Y' User-Agent (default 2.0)\n"
         "  and answers with the highest repository media type (v3, v4, v5) named in Accept;\n"
         "  without such an Accept it serves repo-up-to-<DC/OS>.zip if present. Also /repo-1.7,\n"
         "  /package/<name> and the repo-*.json / repo-*.zip files by name. ETag/If-None-Match\n"
         "  and gzip are supported; one log line per request goes to stderr. Stops on SIGINT or\n"
         "  SIGTERM.",
         run_serve},
        {"verify", "check a built repository against its source tree",
         "repo-tool verify TREE OUT [--strict] [--threads N]\n"
         "  Builds TREE in memory and compares it with OUT (what 'repo-tool build TREE OUT'\n"
         "  wrote): every entry of every served file must be present, identical and carry the\n"
         "  right sha256 digest; content types and the legacy zip must match, and OUT must hold\n"
         "  no other repo-*.json or repo-*.zip. Prints one line per missing, extra or differing\n"
         "  entry or file and exits 1 when there is any. --strict and --threads as for validate.",
         run_verify},
    };
    return table;
}

}  // namespace repo_tool
