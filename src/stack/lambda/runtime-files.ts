/**
 * The files a local Lambda process gets besides its own code: a bootstrap per runtime family that
 * loads the handler and calls it with the event and a context object, and the `cfnresponse`
 * (Python) / `cfn-response` (Node.js) modules that inline (`ZipFile`) code imports — written for
 * Lanyard with the same interface as AWS's (cfn-lambda-function-code-cfnresponsemodule):
 * `send(event, context, responseStatus, responseData, physicalResourceId, noEcho)`.
 * They are strings so the built package carries them.
 */

/** `import cfnresponse` (Python): PUTs the response JSON to the pre-signed ResponseURL. */
export const CFNRESPONSE_PY = `# cfnresponse for Lanyard: same interface as the module AWS Lambda provides to inline code.
import json
import os
import ssl
import urllib.request

SUCCESS = "SUCCESS"
FAILED = "FAILED"


def send(event, context, responseStatus, responseData, physicalResourceId=None, noEcho=False, reason=None):
    responseUrl = event['ResponseURL']
    responseBody = {
        'Status': responseStatus,
        'Reason': reason or "See the details in CloudWatch Log Stream: {}".format(context.log_stream_name),
        'PhysicalResourceId': physicalResourceId or context.log_stream_name,
        'StackId': event['StackId'],
        'RequestId': event['RequestId'],
        'LogicalResourceId': event['LogicalResourceId'],
        'NoEcho': noEcho,
        'Data': responseData,
    }
    json_responseBody = json.dumps(responseBody)
    print("Response body:")
    print(json_responseBody)
    data = json_responseBody.encode('utf-8')
    request = urllib.request.Request(responseUrl, data=data, method='PUT',
                                     headers={'content-type': '', 'content-length': str(len(data))})
    tls = None
    if responseUrl.startswith('https://'):
        tls = ssl.create_default_context(cafile=os.environ.get('AWS_CA_BUNDLE') or None)
    try:
        with urllib.request.urlopen(request, context=tls) as response:
            print("Status code:", response.status)
    except Exception as e:
        print("send(..) failed executing http.request(..):", e)
`

/** `require('cfn-response')` (Node.js): same interface as AWS's module; calls `context.done()`. */
export const CFN_RESPONSE_JS = `// cfn-response for Lanyard: same interface as the module AWS Lambda provides to inline code.
'use strict'
exports.SUCCESS = 'SUCCESS'
exports.FAILED = 'FAILED'

exports.send = function (event, context, responseStatus, responseData, physicalResourceId, noEcho) {
  return new Promise((resolve) => {
    const responseBody = JSON.stringify({
      Status: responseStatus,
      Reason: 'See the details in CloudWatch Log Stream: ' + context.logStreamName,
      PhysicalResourceId: physicalResourceId || context.logStreamName,
      StackId: event.StackId,
      RequestId: event.RequestId,
      LogicalResourceId: event.LogicalResourceId,
      NoEcho: noEcho || false,
      Data: responseData,
    })
    console.log('Response body:\\n', responseBody)
    const url = new URL(event.ResponseURL)
    const client = url.protocol === 'https:' ? require('https') : require('http')
    const options = {
      method: 'PUT',
      headers: { 'content-type': '', 'content-length': Buffer.byteLength(responseBody) },
    }
    if (url.protocol === 'https:' && process.env.AWS_CA_BUNDLE)
      options.ca = require('fs').readFileSync(process.env.AWS_CA_BUNDLE)
    const request = client.request(url, options, (response) => {
      console.log('Status code: ' + response.statusCode)
      response.resume()
      response.on('end', () => {
        resolve()
        context.done()
      })
    })
    request.on('error', (error) => {
      console.log('send(..) failed executing https.request(..): ' + error)
      resolve()
      context.done()
    })
    request.write(responseBody)
    request.end()
  })
}
`

/**
 * Python bootstrap: `python3 bootstrap.py <work dir>`. Loads `<module>.<function>` from the task
 * root, calls it, writes `result.json` (`{ok, result}` or `{ok: false, errorType,
 * errorMessage}`) and exits 0 or 1.
 */
export const BOOTSTRAP_PY = `import importlib
import json
import os
import sys
import time
import traceback

work = sys.argv[1]
task_root = os.path.join(work, 'task')
sys.path.insert(0, task_root)
with open(os.path.join(work, 'invocation.json')) as f:
    invocation = json.load(f)
with open(os.path.join(work, 'event.json')) as f:
    event = json.load(f)


class LambdaContext(object):
    def __init__(self):
        self.function_name = os.environ['AWS_LAMBDA_FUNCTION_NAME']
        self.function_version = os.environ['AWS_LAMBDA_FUNCTION_VERSION']
        self.invoked_function_arn = invocation['functionArn']
        self.memory_limit_in_mb = int(os.environ['AWS_LAMBDA_FUNCTION_MEMORY_SIZE'])
        self.aws_request_id = invocation['requestId']
        self.log_group_name = os.environ['AWS_LAMBDA_LOG_GROUP_NAME']
        self.log_stream_name = os.environ['AWS_LAMBDA_LOG_STREAM_NAME']
        self.identity = None
        self.client_context = None

    def get_remaining_time_in_millis(self):
        return max(0, int(invocation['deadlineMs'] - time.time() * 1000))


def write(result):
    with open(os.path.join(work, 'result.json'), 'w') as f:
        json.dump(result, f, default=str)


try:
    module_name, function_name = os.environ['_HANDLER'].rsplit('.', 1)
    module = importlib.import_module(module_name)
    handler = getattr(module, function_name)
except Exception as e:
    traceback.print_exc()
    write({'ok': False, 'errorType': 'Runtime.ImportModuleError',
           'errorMessage': "Unable to import module '{}': {}".format(os.environ['_HANDLER'], e)})
    sys.exit(1)

try:
    result = handler(event, LambdaContext())
    sys.stdout.flush()
    write({'ok': True, 'result': result})
except Exception as e:
    traceback.print_exc()
    write({'ok': False, 'errorType': type(e).__name__, 'errorMessage': str(e)})
    sys.exit(1)
`

/** Node.js bootstrap: `node bootstrap.js <work dir>`; callbacks, promises and `context.done`. */
export const BOOTSTRAP_JS = `'use strict'
const fs = require('fs')
const path = require('path')
const work = process.argv[2]
const taskRoot = path.join(work, 'task')
const invocation = JSON.parse(fs.readFileSync(path.join(work, 'invocation.json'), 'utf8'))
const event = JSON.parse(fs.readFileSync(path.join(work, 'event.json'), 'utf8'))
let finished = false
function write(result) {
  fs.writeFileSync(path.join(work, 'result.json'), JSON.stringify(result === undefined ? null : result))
}
function finish(err, value, now) {
  if (finished) return
  finished = true
  if (err) {
    console.error(err && err.stack ? err.stack : String(err))
    write({ ok: false, errorType: (err && err.name) || 'Error', errorMessage: err && err.message !== undefined ? String(err.message) : String(err) })
    process.exitCode = 1
  } else write({ ok: true, result: value === undefined ? null : value })
  if (now) process.exit()
}
const context = {
  functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
  functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
  invokedFunctionArn: invocation.functionArn,
  memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
  awsRequestId: invocation.requestId,
  logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
  logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
  callbackWaitsForEmptyEventLoop: true,
  getRemainingTimeInMillis: () => Math.max(0, invocation.deadlineMs - Date.now()),
  done: (err, value) => finish(err, value, true),
  succeed: (value) => finish(null, value, true),
  fail: (err) => finish(err || new Error('failed'), undefined, true),
}
const handlerName = process.env._HANDLER
const dot = handlerName.lastIndexOf('.')
let handler
try {
  handler = require(path.join(taskRoot, handlerName.slice(0, dot)))[handlerName.slice(dot + 1)]
} catch (err) {
  finish(err, undefined, true)
}
if (!finished && typeof handler !== 'function') {
  const err = new Error(handlerName + ' is undefined or not exported')
  err.name = 'Runtime.HandlerNotFound'
  finish(err, undefined, true)
}
if (!finished) {
  try {
    const r = handler(event, context, (err, value) =>
      finish(err, value, !context.callbackWaitsForEmptyEventLoop),
    )
    if (r && typeof r.then === 'function') r.then((v) => finish(null, v, true), (e) => finish(e, undefined, true))
  } catch (err) {
    finish(err, undefined, true)
  }
}
`
