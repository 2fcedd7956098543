# Quizzes: grading, Leitner scheduling, quiz requests (pure) and the QuizMaster on a temporary state file.
qabot_add_test(quiz_grader_test unit SOURCES quiz/quiz_grader_test.cpp LIBS qabot_quiz)
qabot_add_test(leitner_scheduler_test unit SOURCES quiz/leitner_scheduler_test.cpp LIBS qabot_quiz)
qabot_add_test(quiz_request_test unit SOURCES quiz/quiz_request_test.cpp LIBS qabot_quiz)
qabot_add_test(quiz_master_test unit SOURCES quiz/quiz_master_test.cpp LIBS qabot_quiz qabot_state)
