"""A moto S3 server that checks credentials, in its own process (moto's auth switch is process-wide).

Prints one JSON line ``{"endpoint", "accessKey", "secret", "bucket"}`` (an IAM user allowed s3:*),
then serves until stdin closes.
"""

from __future__ import annotations

import json
import sys
import urllib.request

import boto3
from moto.server import ThreadedMotoServer


def main() -> None:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    admin = {"endpoint_url": endpoint, "region_name": "us-east-1", "aws_access_key_id": "admin",
             "aws_secret_access_key": "admin"}
    iam = boto3.client("iam", **admin)
    iam.create_user(UserName="owncast")
    iam.put_user_policy(UserName="owncast", PolicyName="s3", PolicyDocument=json.dumps({
        "Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}))
    key = iam.create_access_key(UserName="owncast")["AccessKey"]
    boto3.client("s3", **admin).create_bucket(Bucket="owncast")
    # From now on every request must be signed by a known key with a policy allowing it.
    urllib.request.urlopen(urllib.request.Request(f"{endpoint}/moto-api/reset-auth", data=b"0", method="POST",
                                                  headers={"Content-Type": "text/plain"}))
    print(json.dumps({"endpoint": endpoint, "accessKey": key["AccessKeyId"], "secret": key["SecretAccessKey"],
                      "bucket": "owncast"}), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
