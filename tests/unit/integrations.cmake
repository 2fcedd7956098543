# Chat integrations, pure logic: markdown conversion, request signatures, Slack and Discord messages.
qabot_add_test(integrations_chat_markdown_test unit
  SOURCES integrations/chat_markdown_test.cpp LIBS qabot_integrations)
qabot_add_test(integrations_signature_test unit
  SOURCES integrations/request_signature_test.cpp LIBS qabot_integrations OpenSSL::Crypto)
qabot_add_test(integrations_config_test unit
  SOURCES integrations/integrations_config_test.cpp LIBS qabot_integrations)
qabot_add_test(integrations_endpoints_test unit
  SOURCES integrations/slack_endpoint_test.cpp integrations/discord_endpoint_test.cpp
  LIBS qabot_integrations OpenSSL::Crypto)
qabot_add_test(integrations_chat_math_test unit
  SOURCES integrations/chat_markdown_math_test.cpp LIBS qabot_integrations)
