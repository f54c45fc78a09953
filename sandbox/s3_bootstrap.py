"""Creates the sandbox's IAM user in moto while moto still accepts unauthenticated calls.

moto enforces credentials after INITIAL_NO_AUTH_ACTION_COUNT actions; these are exactly those
actions, so from then on only the key printed here (as JSON) is accepted.
"""
import json
import sys

import boto3

endpoint = sys.argv[1]
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   aws_access_key_id="bootstrap", aws_secret_access_key="bootstrap")
iam.create_user(UserName="pipeline-pause-sandbox")
key = iam.create_access_key(UserName="pipeline-pause-sandbox")["AccessKey"]
iam.put_user_policy(
    UserName="pipeline-pause-sandbox",
    PolicyName="sandbox-all",
    PolicyDocument=json.dumps({"Version": "2012-10-17",
                               "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
)
print(json.dumps({"accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}))
