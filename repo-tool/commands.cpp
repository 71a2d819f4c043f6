#include "repo-tool/commands.h"

namespace repo_tool {

const std::vector<Command>& commands() {
    static const std::vector<Command> table = {
        {"validate", "check every package revision of a Universe source tree",
         "repo-tool validate TREE [--strict]\n"
         "  TREE      a Universe source tree (with repo/packages/<L>/<name>/<revision>/)\n"
         "  --strict  a template that does not render with its defaults to a JSON object is an\n"
         "            error (otherwise a warning)\n"
         "Prints one 'path: message' line per problem. Exit 0 when there is no error, 1 otherwise.",
         run_validate},
        {"build", "write the served repository files of a source tree",
         "repo-tool build TREE OUT [--strict]\n"
         "  Validates TREE, then writes to OUT: universe.json, repo-empty-v3.json,\n"
         "  repo-up-to-<X>.json for DC/OS 1.8 ... 2.0 (each with a .content_type file) and the\n"
         "  legacy zip repository repo-up-to-1.7.zip. With any error nothing is written.",
         run_build},
        {"bundle", "make a .dcos bundle from a package folder",
         "repo-tool bundle DIR OUT.dcos\n"
         "  DIR  a package folder (package.json, config.json, marathon.json.mustache,\n"
         "       resource.json), such as one revision folder of a tree\n"
         "  Writes a zip holding metadata.json, the form POST /package/add accepts.",
         run_bundle},
        {"inspect", "check a .dcos bundle and print its metadata",
         "repo-tool inspect FILE.dcos [--json]\n"
         "  Reads the bundle with the same limits and checks as the service, then prints a\n"
         "  summary (or the whole metadata.json with --json).",
         run_inspect},
        {"render", "print the Marathon app the package service would post",
         "repo-tool render TREE NAME [--version V] [--options FILE] [--app-id ID] [--source URI]\n"
         "  Renders the latest revision of NAME (or the one with version V) with its defaults\n"
         "  merged with the options in FILE, exactly as cosmos-server does, labels included.\n"
         "  --source sets DCOS_PACKAGE_SOURCE (default: the tree's file:// URI).",
         run_render},
    };
    return table;
}

}  // namespace repo_tool
