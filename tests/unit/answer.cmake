qabot_add_test(answerer_test unit SOURCES answer/answerer_test.cpp LIBS qabot_answer qabot_store)
