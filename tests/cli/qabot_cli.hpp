#pragma once
// Runs the real `qabot` binary (QABOT_BIN) the way a user's shell or script does: from the source
// tree (or from `cwd`), with stdin from a file, stdout captured, stderr in DIR/stderr.txt.

#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "support/temp_dir.hpp"

namespace qabot::test_support {

struct CliRun {
  int status = -1;  // the exit code, or -1 when qabot did not exit normally (a crash)
  std::string out;
};

// One argument for /bin/sh, whatever it contains.
inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

inline CliRun run_qabot(const TempDir& dir, const std::string& args, const std::string& input = "",
                        const std::string& cwd = QABOT_SOURCE_DIR) {
  const auto in = dir.write("stdin.txt", input);
  const std::string cmd = "cd " + shell_quote(cwd) + " && timeout 60 " + shell_quote(QABOT_BIN) + " " + args + " < " +
                          shell_quote(in.string()) + " 2> " + shell_quote((dir / "stderr.txt").string());
  CliRun r;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace qabot::test_support
