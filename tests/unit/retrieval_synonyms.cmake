qabot_add_test(synonyms_test unit SOURCES retrieval/synonyms_test.cpp LIBS qabot_retrieval)
qabot_add_test(glossary_test unit SOURCES retrieval/glossary_test.cpp LIBS qabot_retrieval)
qabot_add_test(english_words_test unit SOURCES retrieval/english_words_test.cpp LIBS qabot_retrieval)
