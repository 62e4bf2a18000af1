// Mistakes on the command line that CLI11 reports vaguely ("The following arguments were not
// expected: servee"), found before parsing and told with the fix.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake::cli {

// The candidate closest to `word` by edit distance, when it is close enough to be a typo (at
// most a third of the word's letters differ, and at least one is shared); nullopt otherwise.
std::optional<std::string> ClosestName(std::string_view word,
                                       const std::vector<std::string>& candidates);

// Walks argv[1..] down the subcommands of `app` and returns the message for
//   - an unknown subcommand: "unknown command 'servee' for 'stocktake'; did you mean 'serve'?";
//   - `--config` after a subcommand ("serve --config FILE"): it goes before it;
// nullopt when there is neither (other errors are left to CLI11).
std::optional<std::string> FindCommandLineMistake(const CLI::App& app,
                                                  const std::vector<std::string>& args);

}  // namespace stocktake::cli
