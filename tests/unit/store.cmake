qabot_add_test(index_builder_test unit SOURCES store/index_builder_test.cpp LIBS qabot_store PkgConfig::SQLITE3)
qabot_add_test(synonym_miner_test unit SOURCES ingest/synonym_miner_test.cpp LIBS qabot_ingest)
qabot_add_test(rank_function_test unit SOURCES store/rank_function_test.cpp LIBS qabot_store PkgConfig::SQLITE3)
# Note images on disk: below an indexed root only, images only, referenced only; and what a build records of them.
qabot_add_test(note_files_test unit SOURCES store/note_files_test.cpp LIBS qabot_store)
qabot_add_test(note_images_index_test unit SOURCES store/note_images_index_test.cpp LIBS qabot_store)
