#include "cli/completion.h"

#include <cstdlib>
#include <iostream>
#include <memory>
#include <vector>

#include "common/exit_code.h"

namespace stocktake::cli {
namespace {

// Every command of the tree, the root first, depth-first in the order they were added.
struct Command {
  const CLI::App* app;
  std::vector<std::string> path;  // names below the root: {"report", "verify"}
};

void Collect(const CLI::App* app, std::vector<std::string> path, std::vector<Command>* out) {
  out->push_back({app, path});
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
    std::vector<std::string> child = path;
    child.push_back(sub->get_name());
    Collect(sub, std::move(child), out);
  }
}

std::vector<Command> Commands(const CLI::App& app) {
  std::vector<Command> commands;
  Collect(&app, {}, &commands);
  return commands;
}

std::vector<std::string> SubcommandNames(const CLI::App* app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app->get_subcommands([](const CLI::App*) { return true; })) {
    names.push_back(sub->get_name());
  }
  return names;
}

std::vector<const CLI::Option*> Flags(const CLI::App* app) {
  return app->get_options([](const CLI::Option* o) { return !o->get_lnames().empty(); });
}

std::string Join(const std::vector<std::string>& words, const std::string& separator) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : separator) + w;
  return out;
}

// Single quotes for sh and fish.
std::string Quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else if (c == '\n') {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string Roff(const std::string& text) {
  std::string out;
  bool line_start = true;
  for (char c : text) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else if ((c == '.' || c == '\'') && line_start) {
      out += "\\&";
      out += c;
    } else {
      out += c;
    }
    line_start = c == '\n';
  }
  return out;
}

}  // namespace

std::string BashCompletion(const CLI::App& app) {
  std::string name = app.get_name();
  std::string fn = "_" + name;
  std::string out = "# bash completion for " + name + " (generated: " + name +
                    " completion bash)\n" + fn + "() {\n" +
                    "  local cur=\"${COMP_WORDS[COMP_CWORD]}\" path=\"\" word i\n" +
                    "  # Keys: \".\" + the subcommands typed so far.\n  declare -A subs=(\n";
  std::vector<Command> commands = Commands(app);
  for (const Command& c : commands) {
    out += "    [" + Quoted("." + Join(c.path, " ")) +
           "]=" + Quoted(Join(SubcommandNames(c.app), " ")) + "\n";
  }
  out += "  )\n  declare -A flags=(\n";
  for (const Command& c : commands) {
    std::vector<std::string> names;
    for (const CLI::Option* o : Flags(c.app)) {
      for (const std::string& l : o->get_lnames()) names.push_back("--" + l);
    }
    out += "    [" + Quoted("." + Join(c.path, " ")) + "]=" + Quoted(Join(names, " ")) + "\n";
  }
  out +=
      "  )\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    word=\"${COMP_WORDS[i]}\"\n"
      "    if [[ \" ${subs[.$path]} \" == *\" $word \"* ]]; then path=\"${path:+$path }$word\"; "
      "fi\n"
      "  done\n"
      "  if [[ \"$cur\" == -* ]]; then\n"
      "    COMPREPLY=($(compgen -W \"${flags[.$path]}\" -- \"$cur\"))\n"
      "  elif [[ -n \"${subs[.$path]}\" ]]; then\n"
      "    COMPREPLY=($(compgen -W \"${subs[.$path]}\" -- \"$cur\"))\n"
      "  fi\n"
      "}\n"
      "complete -o default -F " +
      fn + " " + name + "\n";
  return out;
}

std::string ZshCompletion(const CLI::App& app) {
  return "#compdef " + app.get_name() +
         "\n# zsh completion (generated): the bash completion through bashcompinit.\n"
         "autoload -U +X bashcompinit && bashcompinit\n" +
         BashCompletion(app);
}

std::string FishCompletion(const CLI::App& app) {
  std::string name = app.get_name();
  std::string out = "# fish completion for " + name + " (generated: " + name +
                    " completion fish)\ncomplete -c " + name + " -f\n";
  for (const Command& c : Commands(app)) {
    // At this command: every word of its path seen, none of its subcommands yet.
    std::string condition;
    for (const std::string& p : c.path) {
      condition +=
          (condition.empty() ? "" : "; and ") + std::string("__fish_seen_subcommand_from ") + p;
    }
    std::vector<std::string> subs = SubcommandNames(c.app);
    std::string here = condition;
    if (!subs.empty()) {
      here += (here.empty() ? "" : "; and ") + std::string("not __fish_seen_subcommand_from ") +
              Join(subs, " ");
    }
    std::string n = here.empty() ? "" : " -n " + Quoted(here);
    for (const CLI::App* sub : c.app->get_subcommands([](const CLI::App*) { return true; })) {
      out += "complete -c " + name + n + " -a " + sub->get_name() + " -d " +
             Quoted(sub->get_description()) + "\n";
    }
    for (const CLI::Option* o : Flags(c.app)) {
      for (const std::string& l : o->get_lnames()) {
        out += "complete -c " + name + n + " -l " + l + (o->get_type_size() > 0 ? " -r" : "") +
               " -d " + Quoted(o->get_description()) + "\n";
      }
    }
  }
  return out;
}

std::string ManPage(const CLI::App& app, const std::string& version) {
  std::string name = app.get_name();
  std::string out = ".TH " + Roff("STOCKTAKE") + " 1 \"\" \"" + Roff(name + " " + version) +
                    "\" \"User Commands\"\n.SH NAME\n" + Roff(name) + " \\- " +
                    Roff(app.get_description()) + "\n.SH SYNOPSIS\n.B " + Roff(name) +
                    "\n[\\-\\-config \\fIFILE\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR]\n" +
                    ".SH COMMANDS\n";
  for (const Command& c : Commands(app)) {
    if (c.path.empty()) continue;
    out += ".SS \"" + Roff(name + " " + Join(c.path, " ")) + "\"\n" +
           Roff(c.app->get_description()) + "\n";
    for (const CLI::Option* o : c.app->get_options()) {
      if (o->get_lnames().empty() && !o->get_positional()) continue;
      if (o->get_lnames().size() == 1 && o->get_lnames()[0] == "help") continue;
      std::string label = o->get_positional() ? "\\fI" + Roff(o->get_name(true)) + "\\fR"
                                              : "\\fB" + Roff("--" + o->get_lnames()[0]) + "\\fR";
      if (!o->get_positional() && o->get_type_size() > 0) {
        label += " \\fI" + Roff(o->get_type_name()) + "\\fR";
      }
      out += ".TP\n" + label + "\n" + Roff(o->get_description()) + "\n";
    }
    if (!c.app->get_footer().empty()) out += ".PP\n" + Roff(c.app->get_footer()) + "\n";
  }
  out += ".SH EXIT STATUS\n";
  for (const ExitStatusInfo& s : kExitStatuses) {
    out += ".TP\n.B " + std::to_string(s.code) + "\n" + Roff(s.meaning) + "\n";
  }
  out += ".SH SEE ALSO\n.BR aws (1)\n";
  return out;
}

void AddCompletionCommand(CLI::App& app, const std::string& version) {
  auto shell = std::make_shared<std::string>();
  CLI::App* completion = app.add_subcommand(
      "completion",
      "Print shell completion: eval \"$(stocktake completion bash)\" (zsh, fish); or the man page");
  completion->add_option("shell", *shell, "bash, zsh, fish or man")
      ->required()
      ->check(CLI::IsMember({"bash", "zsh", "fish", "man"}));
  completion->callback([&app, shell, version]() {
    if (*shell == "bash") std::cout << BashCompletion(app);
    if (*shell == "zsh") std::cout << ZshCompletion(app);
    if (*shell == "fish") std::cout << FishCompletion(app);
    if (*shell == "man") std::cout << ManPage(app, version);
    std::cout.flush();
    std::exit(std::cout.good() ? kExitOk : kExitFailure);
  });
}

}  // namespace stocktake::cli
