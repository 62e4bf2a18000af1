#include "cli/command_line.h"

#include <algorithm>

namespace stocktake::cli {
namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The command as typed so far: "stocktake report".
std::string CommandPath(const CLI::App& app) {
  return app.get_parent() == nullptr ? app.get_name()
                                     : CommandPath(*app.get_parent()) + " " + app.get_name();
}

}  // namespace

std::optional<std::string> ClosestName(std::string_view word,
                                       const std::vector<std::string>& candidates) {
  std::optional<std::string> best;
  size_t best_distance = word.size() / 3 + 1;
  for (const std::string& candidate : candidates) {
    // A prefix of a name ("inv" for "inventory") is as good a guess as a typo.
    size_t distance =
        candidate.starts_with(word) && !word.empty() ? 1 : EditDistance(word, candidate);
    if (distance < best_distance && distance < std::max(word.size(), candidate.size())) {
      best_distance = distance;
      best = candidate;
    }
  }
  return best;
}

std::optional<std::string> FindCommandLineMistake(const CLI::App& app,
                                                  const std::vector<std::string>& args) {
  const CLI::App* current = &app;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") return std::nullopt;
    if (arg.starts_with("-")) {
      std::string name = arg.substr(0, arg.find('='));
      if (current != &app && (name == "--config")) {
        return "--config goes before the subcommand: stocktake --config FILE " +
               CommandPath(*current).substr(app.get_name().size() + 1) + " ...";
      }
      // Skip the value of an option that takes one ("--endpoint URL").
      const CLI::Option* option = current->get_option_no_throw(name);
      if (option != nullptr && arg.find('=') == std::string::npos &&
          option->get_items_expected_min() > 0) {
        ++i;
      }
      continue;
    }
    auto subcommands = current->get_subcommands([](const CLI::App*) { return true; });
    if (subcommands.empty()) {
      // A positional argument of a leaf command; later options may still be misplaced.
      continue;
    }
    const CLI::App* next = nullptr;
    std::vector<std::string> names;
    for (const CLI::App* sub : subcommands) {
      if (sub->check_name(arg)) next = sub;
      names.push_back(sub->get_name());
    }
    if (next == nullptr) {
      std::string message = "unknown command '" + arg + "' for '" + CommandPath(*current) + "'";
      if (auto closest = ClosestName(arg, names)) {
        message += "; did you mean '" + *closest + "'?";
      } else {
        std::string all;
        for (const std::string& n : names) all += (all.empty() ? "" : ", ") + n;
        message += "; the commands are " + all;
      }
      return message;
    }
    current = next;
  }
  return std::nullopt;
}

}  // namespace stocktake::cli
