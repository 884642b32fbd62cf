"""A client that is not Java, following docs/wire-format.md only, for ForeignClientWireTest.

Usage (the AMQP URI and the exchange come first):
  foreign_client.py URI EXCHANGE produce TOPIC TYPE_NAME JSON_BODY_WITH_ID
      publishes a command as the page says: mandatory, persistent, with publisher confirms; prints "SENT <id>"
  foreign_client.py URI EXCHANGE read QUEUE
      takes one message off QUEUE (waits up to 20 s) and prints its properties, headers and body as one JSON line
  foreign_client.py URI EXCHANGE answer QUEUE REPLY_TYPE_NAME
      takes one request off QUEUE and replies as the page says (default exchange, routing key = reply_to,
      type REPLY, correlation_id = the request's message_id); the reply body doubles the request's "number"
"""
import json
import sys
import time
import uuid

import pika


def connect(uri):
    return pika.BlockingConnection(pika.URLParameters(uri))


def take(channel, queue):
    deadline = time.time() + 20
    while time.time() < deadline:
        method, properties, body = channel.basic_get(queue, auto_ack=True)
        if method is not None:
            return method, properties, body
        time.sleep(0.05)
    raise SystemExit("nothing arrived on " + queue)


def main(uri, exchange, mode, *args):
    connection = connect(uri)
    channel = connection.channel()
    if mode == "produce":
        topic, type_name, body = args
        message_id = json.loads(body)["id"]
        channel.confirm_delivery()
        channel.basic_publish(exchange, topic, body.encode("utf-8"), pika.BasicProperties(
            message_id=message_id, type="COMMAND", content_type="application/json", delivery_mode=2,
            headers={"courier-type": type_name}), mandatory=True)
        print("SENT " + message_id, flush=True)
    elif mode == "read":
        method, properties, body = take(channel, args[0])
        print(json.dumps({"routing_key": method.routing_key, "message_id": properties.message_id,
                          "type": properties.type,
                          "content_type": properties.content_type, "delivery_mode": properties.delivery_mode,
                          "headers": {k: (v.decode() if isinstance(v, bytes) else v)
                                      for k, v in (properties.headers or {}).items()},
                          "body": json.loads(body)}), flush=True)
    elif mode == "answer":
        queue, reply_type = args
        _, properties, body = take(channel, queue)
        request = json.loads(body)
        reply_id = str(uuid.uuid4())
        reply = {"id": reply_id, "correlationId": properties.message_id, "result": request["number"] * 2}
        headers = {"courier-type": reply_type}
        recipient = (properties.headers or {}).get("courier-recipient")
        if recipient is not None:
            headers["courier-recipient"] = recipient
        channel.confirm_delivery()
        channel.basic_publish("", properties.reply_to, json.dumps(reply).encode("utf-8"), pika.BasicProperties(
            message_id=reply_id, type="REPLY", correlation_id=properties.message_id,
            content_type="application/json", delivery_mode=1, headers=headers), mandatory=True)
        print("ANSWERED " + properties.message_id, flush=True)
    else:
        raise SystemExit("unknown mode " + mode)
    connection.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
