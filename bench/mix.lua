-- wrk script: startLogin, then POLLS (default 4) getTaskStatus calls of the task it created,
-- over and over on each thread. The getTaskStatus envelope in $BODY_FILE is the template:
-- its task id is replaced by the newest login's.
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
local template = io.open(os.getenv("BODY_FILE")):read("*a")
local polls = tonumber(os.getenv("POLLS") or "4")
local login = '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns="ns1"><SOAP-ENV:Body><ns:startLogin><billonUserName>test_user</billonUserName><billonUserPassword>test_password</billonUserPassword></ns:startLogin></SOAP-ENV:Body></SOAP-ENV:Envelope>'
local sent = 0
local poll = template

request = function()
  sent = sent + 1
  if sent % (polls + 1) == 1 then
    return wrk.format(nil, nil, nil, login)
  end
  return wrk.format(nil, nil, nil, poll)
end

response = function(status, headers, body)
  local id = body:match("startLoginResponse>.-<taskId>(%w+)</taskId>")
  if id then
    poll = template:gsub("<taskId>%w+</taskId>", "<taskId>" .. id .. "</taskId>")
  end
end
