"""telegram.send_message: send a text to a chat through a bot (Bot API ``sendMessage``).

The Bot API base URL is the runner's ``Services.telegram_api_url`` unless ``api_url`` is given
(a Local Bot API Server, or a fake one in tests). A refused request fails with kind
``telegram.<error_code>`` (``telegram.401`` for a bad token, ``telegram.400`` for an unknown
chat), so ``no_retry_on`` can stop retries for mistakes that retrying cannot fix.
"""

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, OperationError, current_task


class TelegramSendMessage(Operation):
    name = "telegram.send_message"
    version = "1.0"
    description = "Send a text message to a Telegram chat through a bot"

    token = DataInput("WSTRING", comment="the bot's token from @BotFather")
    chat_id = DataInput("ANY", comment="the chat: a number, or @channelname")
    text = DataInput("WSTRING", comment="the message, 1 to 4096 characters")
    parse_mode = DataInput("ANY", comment="MarkdownV2, HTML or null")
    api_url = DataInput("ANY", comment="Bot API base URL (default: the runner's)")
    result = DataOutput("ANY", comment="the sent Message object")

    param_types = {"chat_id": "int|str", "parse_mode": "str|null", "api_url": "str|null"}
    optional_params = ("parse_mode", "api_url")

    async def execute(self) -> None:
        task = current_task()
        base = (self.api_url or task.services.telegram_api_url).rstrip("/")
        body: dict[str, object] = {"chat_id": self.chat_id, "text": self.text}
        if self.parse_mode:
            body["parse_mode"] = self.parse_mode
        async with task.services.http_client() as client:
            response = await client.post(f"{base}/bot{self.token}/sendMessage", json=body)
        try:
            answer = response.json()
        except ValueError:
            raise OperationError(
                f"sendMessage answered {response.status_code} without JSON",
                kind=f"http.{response.status_code}",
            ) from None
        if not answer.get("ok"):
            code = answer.get("error_code", response.status_code)
            raise OperationError(
                f"sendMessage refused: {answer.get('description', 'no description')}",
                kind=f"telegram.{code}",
            )
        self.result = answer["result"]
        task.log(f"sent {len(self.text)} characters to chat {self.chat_id}")
