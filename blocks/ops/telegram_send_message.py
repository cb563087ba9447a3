"""telegram.send_message: send a text to a chat through a bot (Bot API ``sendMessage``).

The bot's token and the Bot API base URL default to the server's (``FBRT_TELEGRAM_TOKEN``,
``FBRT_TELEGRAM_API_URL``), so a config needs neither; a task may give its own ``token`` (best as
``{"$secret": "NAME"}``: it is a secret param, redacted wherever it shows) and ``api_url``.

``chat_id`` is a number, or ``@username``: the Bot API accepts ``@names`` for channels only, so a
user's name is looked up among the people who have written to the bot (it records them). Someone
who never did fails with kind ``telegram.unknown_user`` and says so. A refused request fails with
kind ``telegram.<error_code>`` (``telegram.401`` for a bad token, ``telegram.400`` for an unknown
chat), so ``no_retry_on`` can stop retries for mistakes that retrying cannot fix.
"""

from fbruntime.core import DataInput, DataOutput
from fbruntime.pipelines import Operation, OperationError, current_task


class TelegramSendMessage(Operation):
    name = "telegram.send_message"
    version = "1.1"
    description = "Send a text message to a Telegram chat through a bot"

    token = DataInput("ANY", comment="the bot's token (default: the server's bot)")
    chat_id = DataInput("ANY", comment="the chat: a number, @username or @channelname")
    text = DataInput("WSTRING", comment="the message, 1 to 4096 characters")
    parse_mode = DataInput("ANY", comment="MarkdownV2, HTML or null")
    api_url = DataInput("ANY", comment="Bot API base URL (default: the server's)")
    result = DataOutput("ANY", comment="the sent Message object")

    param_types = {
        "token": "str|null",
        "chat_id": "int|str",
        "parse_mode": "str|null",
        "api_url": "str|null",
    }
    optional_params = ("token", "parse_mode", "api_url")
    secret_params = ("token",)

    async def execute(self) -> None:
        task = current_task()
        services = task.services
        token = self.token or services.telegram_token
        if not token:
            raise OperationError(
                "no bot token: set FBRT_TELEGRAM_TOKEN on the server, or give the task a "
                'token (as {"$secret": "NAME"})',
                kind="telegram.no_token",
            )
        base = (self.api_url or services.telegram_api_url).rstrip("/")
        chat = self.chat_id
        username = None
        if isinstance(chat, str) and chat.startswith("@") and len(chat) > 1:
            username = chat[1:]
            if services.chats is not None:
                known = await services.chats.lookup(token.split(":", 1)[0], username)
                if known is not None:
                    chat = known
        body: dict[str, object] = {"chat_id": chat, "text": self.text}
        if self.parse_mode:
            body["parse_mode"] = self.parse_mode
        async with services.http_client() as client:
            response = await client.post(f"{base}/bot{token}/sendMessage", json=body)
        try:
            answer = response.json()
        except ValueError:
            raise OperationError(
                f"sendMessage answered {response.status_code} without JSON",
                kind=f"http.{response.status_code}",
            ) from None
        if not answer.get("ok"):
            code = answer.get("error_code", response.status_code)
            description = str(answer.get("description", "no description"))
            if username is not None and chat == self.chat_id and "chat not found" in description:
                raise OperationError(
                    f"@{username} has not started the bot: they must send it a message "
                    "(/start) before it can write to them",
                    kind="telegram.unknown_user",
                )
            raise OperationError(f"sendMessage refused: {description}", kind=f"telegram.{code}")
        self.result = answer["result"]
        shown = f"@{username}" if username is not None else chat
        task.log(f"sent {len(self.text)} characters to chat {shown}")
