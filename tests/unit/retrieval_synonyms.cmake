qabot_add_test(synonyms_test unit SOURCES retrieval/synonyms_test.cpp LIBS qabot_retrieval)
