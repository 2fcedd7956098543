# Text analysis: the analyzer's rules (table tests in the style of SQLite's fts5_test_tok.c) and the
# FTS5 tokenizer glue against a real in-memory SQLite; the UTF-8 helper's contract.
qabot_add_test(analyzer_test unit SOURCES text/analyzer_test.cpp LIBS qabot_text)
qabot_add_test(fts5_tokenizer_test unit
  SOURCES text/fts5_tokenizer_test.cpp
  LIBS qabot_text qabot_sqlite PkgConfig::SQLITE3)
qabot_add_test(utf8_test unit SOURCES text/utf8_test.cpp LIBS qabot_text)
add_custom_target(qabot_text_tests DEPENDS analyzer_test fts5_tokenizer_test utf8_test)
