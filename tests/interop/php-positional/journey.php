<?php
// Interop journey, PHP SoapClient with positional arguments, on the rpc/literal WSDL (/?wsdl=rpc):
// each WSDL part is one PHP argument, in the part order, as code written against an rpc
// service calls it: $client->startLogin('test_user', 'test_password').
// An rpc answer's single `return` part comes back as the call's value (a stdClass).
// rpc makes every part required: for a part not passed (trailing) or passed as null, PHP itself
// writes an empty element (<merchantData/>, <peerLocation/>, <callback/>); the emulator takes
// those as "not given".
//
// Usage: php journey.php http://127.0.0.1:PORT/?wsdl=rpc WORK_DIR

require __DIR__ . '/../php/common.php';

interop_main($argv, function (SoapClient $client): void {
    $user = random_user('php-positional');
    // uniqueTransferId and callback (optional, trailing) not passed.
    $getTaskStatus = fn(string $taskId) => $client->getTaskStatus($taskId);

    // 1. startRegister; merchantData is the last part, so it is simply not passed.
    $resp = $client->startRegister($user, 'interop-pw', 'PLUS_BANK_PRODUCTION',
        'PLUS_BANK_PRODUCTION', 'a@example.com', 'b@example.com');
    $tid = task_id('startRegister', $resp);
    $polls = poll_to_ok($getTaskStatus, $tid, 'startRegister', 'REGISTER');
    echo "1. startRegister $user: task $tid -> FINISHED_OK (REGISTER) after $polls polls\n";

    // 2. startLogin.
    $tid = task_id('startLogin', $client->startLogin('test_user', 'test_password'));
    $polls = poll_to_ok($getTaskStatus, $tid, 'startLogin', 'LOGIN');
    echo "2. startLogin test_user: task $tid -> FINISHED_OK (LOGIN) after $polls polls\n";

    // 3. hello.
    $h = $client->hello();
    check('hello: requestStatus', 'SUCCESS', $h->requestStatus);
    check('hello: username', 'test_user', $h->username);
    echo "3. hello: status={$h->status} username={$h->username}\n";

    // 4. getMoneyStatus.
    $m = $client->getMoneyStatus();
    check('getMoneyStatus: requestStatus', 'SUCCESS', $m->requestStatus);
    check('getMoneyStatus: freeBalance.amount', 1000000, $m->freeBalance->amount);
    check('getMoneyStatus: freeBalance.currency', 'PLN', $m->freeBalance->currency);
    $items = list_items($m->balances);
    check_true('getMoneyStatus: balances has an item', count($items) >= 1, 'at least one item', $m->balances);
    echo "4. getMoneyStatus: free {$m->freeBalance->amount} {$m->freeBalance->currency}, ",
        count($items), " balance item(s)\n";

    // 5. giveMoneyRequest. Positional calls cannot skip a middle part: the optional
    // peerLocation (3rd) and seriesId (5th) are passed as null; description (last) is not passed.
    $transferId = 'interop-' . bin2hex(random_bytes(8));
    $amount = ['amount' => 1500, 'currency' => 'PLN', 'colour' => 0];
    $resp = $client->giveMoneyRequest($transferId, 'GIVE_MONEY', null, $amount, null, $user, 'interop');
    $tid = task_id('giveMoneyRequest', $resp);
    $polls = poll_to_ok($getTaskStatus, $tid, 'giveMoneyRequest', 'GIVE_MONEY');
    echo "5. giveMoneyRequest 1500 PLN to $user: task $tid -> FINISHED_OK (GIVE_MONEY) after $polls polls\n";

    // 6. getMoneyStatus again.
    $m = $client->getMoneyStatus();
    check('getMoneyStatus (after giving): requestStatus', 'SUCCESS', $m->requestStatus);
    check('getMoneyStatus (after giving): freeBalance.amount', 998500, $m->freeBalance->amount);
    echo "6. getMoneyStatus: free {$m->freeBalance->amount} {$m->freeBalance->currency}\n";

    // 7. getHistoryReport: format is the 6th and last part; the five before it are optional
    // and passed as null.
    $r = $client->getHistoryReport(null, null, null, null, null, 'CSV');
    check('getHistoryReport: requestStatus', 'SUCCESS', $r->requestStatus);
    check_true('getHistoryReport: history mentions the new user', str_contains((string) $r->history, $user),
        "a history containing $user", $r->history);
    echo '7. getHistoryReport CSV: ', substr_count((string) $r->history, "\n"), " row(s) after the header, mentions $user\n";

    // 8. getTaskStatus of an unknown, well-formed id.
    $st = $client->getTaskStatus(UNKNOWN_TASK_ID);
    check('getTaskStatus (unknown id): requestStatus', 'ERR_TASK_DOES_NOT_EXIST', $st->requestStatus);
    echo '8. getTaskStatus ', UNKNOWN_TASK_ID, ": {$st->requestStatus}\n";
});
