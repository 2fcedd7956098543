# The gaps report: grouping paraphrases of unanswered questions (with the real analyzer).
qabot_add_test(gap_grouper_test unit SOURCES gaps/gap_grouper_test.cpp LIBS qabot_gaps qabot_quiz)
