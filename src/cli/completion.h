// `stocktake completion bash|zsh|fish` and the man page, generated from the command tree and its
// help text (the same CLI11 descriptions `--help` prints), so that they never drift apart. The
// build runs `stocktake completion man|bash|zsh|fish` to produce the files `cmake --install`
// installs (src/cli/CMakeLists.txt).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace stocktake::cli {

std::string BashCompletion(const CLI::App& app);
// zsh runs the bash completion through bashcompinit.
std::string ZshCompletion(const CLI::App& app);
std::string FishCompletion(const CLI::App& app);
// roff for man(1), section 1.
std::string ManPage(const CLI::App& app, const std::string& version);

// Adds `completion SHELL` (bash, zsh, fish, man) to `app`, printing for the whole of `app`.
void AddCompletionCommand(CLI::App& app, const std::string& version);

}  // namespace stocktake::cli
