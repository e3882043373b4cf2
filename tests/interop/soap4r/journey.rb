#!/usr/bin/env ruby
# Interop journey (tests/interop/README.md) for Ruby soap4r, written the way soap4r users write
# it: one driver built from the served WSDL (SOAP::WSDLDriverFactory#create_rpc_driver), the
# operations called as Ruby methods with positional arguments, a structure argument passed as a
# Hash, answers read as SOAP::Mapping::Object attributes.
#
# What rpc/literal means for soap4r:
# - Every part of the message is sent, and every method wants all its positional arguments.
#   nil is soap4r's "no value": it sends an empty element for a structure (merchantData,
#   peerLocation) and an xsi:nil="true" element for a simple part (getTaskStatus' uniqueTransferId
#   and callback, giveMoneyRequest's seriesId and description, getHistoryReport's filters).
# - The answer is an Array of the response element's parts, even when there is only one
#   (soap4r's own rpc/literal tests take [0]: "response contains only 1 part"), hence `.first`.
# - Values come back as strings (amounts too): no classes are generated, so nothing converts them.
#
# Usage: ruby journey.rb WSDL_URL        (e.g. http://127.0.0.1:PORT/?wsdl=rpc)
require 'soap/wsdlDriver'
require 'securerandom'

MAX_POLLS = 50
UNKNOWN_TASK = 'Z' * 26

def fail!(what, expected, got)
  puts "FAIL: #{what}: expected #{expected}, got #{got.inspect}"
  exit 1
end

def check(what, expected, got)
  fail!(what, expected.inspect, got) unless got == expected
end

def check_task_id(what, ret)
  check("#{what}: requestStatus", 'SUCCESS', ret.requestStatus)
  fail!("#{what}: taskId", 'a 26-character taskId', ret.taskId) unless ret.taskId.to_s.length == 26
  ret.taskId
end

# Polls getTaskStatus until the status starts with FINISHED; returns the last answer and the
# number of polls it took.
def poll(driver, what, task_id)
  (1..MAX_POLLS).each do |n|
    st = driver.getTaskStatus(task_id, nil, nil).first
    check("#{what}: getTaskStatus requestStatus", 'SUCCESS', st.requestStatus)
    return [st, n] if st.status.to_s.start_with?('FINISHED')
  end
  fail!("#{what}: task #{task_id} to finish within #{MAX_POLLS} polls", 'a FINISHED status', nil)
end

def poll_ok(driver, what, task_id, type)
  st, polls = poll(driver, what, task_id)
  check("#{what}: final status", 'FINISHED_OK', st.status)
  check("#{what}: task type", type, st.type)
  "task #{task_id} -> #{st.status} (#{st.type}) after #{polls} polls"
end

def journey(wsdl_url)
  driver = SOAP::WSDLDriverFactory.new(wsdl_url).create_rpc_driver
  driver.wiredump_dev = STDERR if ENV['SOAP4R_WIREDUMP']
  user = 'soap4r_' + Array.new(8) { ('a'..'z').to_a.sample }.join

  # 1. startRegister; merchantData has no value (nil: soap4r sends an empty <merchantData/>).
  ret = driver.startRegister(user, 'interop-pw', 'PLUS_BANK_PRODUCTION', 'PLUS_BANK_PRODUCTION',
                             'recovery1@example.com', 'recovery2@example.com', nil).first
  tid = check_task_id('startRegister', ret)
  puts "1. startRegister #{user}: #{poll_ok(driver, 'startRegister', tid, 'REGISTER')}"

  # 2. startLogin.
  ret = driver.startLogin('test_user', 'test_password').first
  tid = check_task_id('startLogin', ret)
  puts "2. startLogin test_user: #{poll_ok(driver, 'startLogin', tid, 'LOGIN')}"

  # 3. hello.
  hello = driver.hello.first
  check('hello: requestStatus', 'SUCCESS', hello.requestStatus)
  check('hello: username', 'test_user', hello.username)
  puts "3. hello: status=#{hello.status} username=#{hello.username}"

  # 4. getMoneyStatus. A list with one item comes back as that item, hence Array(...).
  money = driver.getMoneyStatus.first
  check('getMoneyStatus: requestStatus', 'SUCCESS', money.requestStatus)
  check('getMoneyStatus: freeBalance.amount', '1000000', money.freeBalance.amount)
  check('getMoneyStatus: freeBalance.currency', 'PLN', money.freeBalance.currency)
  balances = money.balances.respond_to?(:item) ? Array(money.balances.item) : []
  fail!('getMoneyStatus: balances', 'at least one item', money.balances) if balances.empty?
  puts "4. getMoneyStatus: freeBalance #{money.freeBalance.amount} #{money.freeBalance.currency}, " \
       "#{balances.size} balance(s)"

  # 5. giveMoneyRequest to the new user: peerLocation, seriesId and description have no value.
  transfer_id = 'soap4r-' + SecureRandom.hex(8)
  amount = { 'amount' => 1500, 'currency' => 'PLN', 'colour' => 0 }
  ret = driver.giveMoneyRequest(transfer_id, 'GIVE_MONEY', nil, amount, nil, user, 'interop', nil).first
  tid = check_task_id('giveMoneyRequest', ret)
  puts "5. giveMoneyRequest 1500 PLN to #{user}: #{poll_ok(driver, 'giveMoneyRequest', tid, 'GIVE_MONEY')}"

  # 6. getMoneyStatus again.
  money = driver.getMoneyStatus.first
  check('getMoneyStatus (after giveMoneyRequest): requestStatus', 'SUCCESS', money.requestStatus)
  check('getMoneyStatus (after giveMoneyRequest): freeBalance.amount', '998500', money.freeBalance.amount)
  puts "6. getMoneyStatus: freeBalance #{money.freeBalance.amount} #{money.freeBalance.currency}"

  # 7. getHistoryReport as CSV: filename, fromDate, toDate, onlyTransactions and
  # disableMonexCheck have no value.
  report = driver.getHistoryReport(nil, nil, nil, nil, nil, 'CSV').first
  check('getHistoryReport: requestStatus', 'SUCCESS', report.requestStatus)
  unless report.history.to_s.include?(user)
    fail!('getHistoryReport: history', "a report naming #{user}", report.history)
  end
  puts "7. getHistoryReport CSV: #{report.history.to_s.lines.size} line(s), names #{user}"

  # 8. getTaskStatus of an unknown, well-formed id.
  st = driver.getTaskStatus(UNKNOWN_TASK, nil, nil).first
  check('getTaskStatus (unknown id): requestStatus', 'ERR_TASK_DOES_NOT_EXIST', st.requestStatus)
  puts "8. getTaskStatus #{UNKNOWN_TASK}: #{st.requestStatus}"
end

if ARGV.size != 1
  warn "usage: #{$PROGRAM_NAME} http://127.0.0.1:PORT/?wsdl=rpc"
  exit 2
end
$stdout.sync = true
spec = Gem.loaded_specs['soap4r-ruby1.9']
puts "version: soap4r #{spec ? spec.version : '?'} (SOAP4R/#{SOAP::VERSION}, ruby #{RUBY_VERSION})"
begin
  journey(ARGV[0])
rescue StandardError => e # SOAP::FaultError, parse and transport errors, ...
  puts "FAIL: unexpected #{e.class}: #{e.message.lines.first.to_s.strip}"
  exit 1
end
puts 'journey: OK'
