qabot_add_test(answerer_test unit SOURCES answer/answerer_test.cpp LIBS qabot_answer qabot_store)
qabot_add_test(highlighter_test unit SOURCES answer/highlighter_test.cpp LIBS qabot_answer qabot_text)
