#pragma once
// Finds note files and reads them; the only part of ingestion that touches the disk.

#include <cstddef>
#include <filesystem>
#include <vector>

#include "ingest/text_decoder.hpp"

namespace qabot::ingest {

class NoteScanner {
 public:
  // Larger files are refused: the biggest real note file seen is ~200 KiB.
  static constexpr std::size_t kMaxFileBytes = 16 * 1024 * 1024;

  // Markdown files (.md, .markdown, any case) under the given paths. Directories are walked
  // recursively without following directory symlinks, skipping hidden entries and node_modules;
  // files named directly are taken whatever their extension. Missing paths are ignored (callers
  // check existence when they want an error). Sorted and without duplicates.
  std::vector<std::filesystem::path> list_files(const std::vector<std::filesystem::path>& roots) const;

  // Reads and decodes one file. I/O problems come back as a DecodeError at offset 0.
  DecodeResult read_file(const std::filesystem::path& file) const;

  static bool is_markdown_name(const std::filesystem::path& file);
};

}  // namespace qabot::ingest
