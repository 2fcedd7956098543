qabot_add_test(index_builder_test unit SOURCES store/index_builder_test.cpp LIBS qabot_store PkgConfig::SQLITE3)
qabot_add_test(synonym_miner_test unit SOURCES ingest/synonym_miner_test.cpp LIBS qabot_ingest)
qabot_add_test(rank_function_test unit SOURCES store/rank_function_test.cpp LIBS qabot_store PkgConfig::SQLITE3)
