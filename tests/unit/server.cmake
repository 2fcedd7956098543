# Server pure logic: protocol JSON, rate limiting, UTF-8 chunking, origin checks, HTTP routing, metrics,
# follow-up URLs.
qabot_add_test(server_protocol_test unit SOURCES server/protocol_test.cpp LIBS qabot_server)
qabot_add_test(server_rate_limiter_test unit SOURCES server/rate_limiter_test.cpp LIBS qabot_server)
qabot_add_test(server_utf8_chunker_test unit SOURCES server/utf8_chunker_test.cpp LIBS qabot_server)
qabot_add_test(server_origin_policy_test unit SOURCES server/origin_policy_test.cpp LIBS qabot_server)
qabot_add_test(server_http_router_test unit SOURCES server/http_router_test.cpp LIBS qabot_server)
qabot_add_test(server_metrics_test unit SOURCES server/metrics_test.cpp LIBS qabot_server)
qabot_add_test(server_conversation_store_test unit SOURCES server/conversation_store_test.cpp LIBS qabot_server)
qabot_add_test(server_https_url_test unit SOURCES server/https_url_test.cpp LIBS qabot_server)
qabot_add_test(server_quiz_service_test unit SOURCES server/quiz_service_test.cpp LIBS qabot_server qabot_state)
qabot_add_test(server_gap_recorder_test unit SOURCES server/gap_recorder_test.cpp LIBS qabot_server qabot_state)
qabot_add_test(server_answer_pool_test unit SOURCES server/answer_pool_test.cpp LIBS qabot_server)
