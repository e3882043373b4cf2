<?php
// Interop journey, PHP SoapClient with one array of named arguments per call, on the default
// WSDL (/?wsdl, document/literal wrapped), the way most PHP code calls a SOAP service:
// $client->startRegister(['billonUserName' => ..., ...]). Optional arguments are simply not
// put in the array. The answer is the wrapper element {ns1}opResponse as a stdClass; its
// single child `return` holds the reply.
//
// Usage: php journey.php http://127.0.0.1:PORT/?wsdl WORK_DIR

require __DIR__ . '/../php/common.php';

interop_main($argv, function (SoapClient $client): void {
    $user = random_user('php-array');
    $getTaskStatus = fn(string $taskId) => $client->getTaskStatus(['taskId' => $taskId])->return;

    // 1. startRegister, merchantData left out (not a merchant).
    $resp = $client->startRegister([
        'billonUserName' => $user,
        'billonUserPassword' => 'interop-pw',
        'userIPEchoice' => 'PLUS_BANK_PRODUCTION',
        'userARchoice' => 'PLUS_BANK_PRODUCTION',
        'recoveryEmail1' => 'a@example.com',
        'recoveryEmail2' => 'b@example.com',
    ])->return;
    $tid = task_id('startRegister', $resp);
    $polls = poll_to_ok($getTaskStatus, $tid, 'startRegister', 'REGISTER');
    echo "1. startRegister $user: task $tid -> FINISHED_OK (REGISTER) after $polls polls\n";

    // 2. startLogin.
    $resp = $client->startLogin(['billonUserName' => 'test_user', 'billonUserPassword' => 'test_password'])->return;
    $tid = task_id('startLogin', $resp);
    $polls = poll_to_ok($getTaskStatus, $tid, 'startLogin', 'LOGIN');
    echo "2. startLogin test_user: task $tid -> FINISHED_OK (LOGIN) after $polls polls\n";

    // 3. hello (no arguments).
    $h = $client->hello()->return;
    check('hello: requestStatus', 'SUCCESS', $h->requestStatus);
    check('hello: username', 'test_user', $h->username);
    echo "3. hello: status={$h->status} username={$h->username}\n";

    // 4. getMoneyStatus.
    $m = $client->getMoneyStatus()->return;
    check('getMoneyStatus: requestStatus', 'SUCCESS', $m->requestStatus);
    check('getMoneyStatus: freeBalance.amount', 1000000, $m->freeBalance->amount);
    check('getMoneyStatus: freeBalance.currency', 'PLN', $m->freeBalance->currency);
    $items = list_items($m->balances);
    check_true('getMoneyStatus: balances has an item', count($items) >= 1, 'at least one item', $m->balances);
    echo "4. getMoneyStatus: free {$m->freeBalance->amount} {$m->freeBalance->currency}, ",
        count($items), " balance item(s)\n";

    // 5. giveMoneyRequest; peerLocation, seriesId and description left out.
    $resp = $client->giveMoneyRequest([
        'uniqueTransferId' => 'interop-' . bin2hex(random_bytes(8)),
        'type' => 'GIVE_MONEY',
        'amount' => ['amount' => 1500, 'currency' => 'PLN', 'colour' => 0],
        'username' => $user,
        'shortDescription' => 'interop',
    ])->return;
    $tid = task_id('giveMoneyRequest', $resp);
    $polls = poll_to_ok($getTaskStatus, $tid, 'giveMoneyRequest', 'GIVE_MONEY');
    echo "5. giveMoneyRequest 1500 PLN to $user: task $tid -> FINISHED_OK (GIVE_MONEY) after $polls polls\n";

    // 6. getMoneyStatus again.
    $m = $client->getMoneyStatus()->return;
    check('getMoneyStatus (after giving): requestStatus', 'SUCCESS', $m->requestStatus);
    check('getMoneyStatus (after giving): freeBalance.amount', 998500, $m->freeBalance->amount);
    echo "6. getMoneyStatus: free {$m->freeBalance->amount} {$m->freeBalance->currency}\n";

    // 7. getHistoryReport, only the format given.
    $r = $client->getHistoryReport(['format' => 'CSV'])->return;
    check('getHistoryReport: requestStatus', 'SUCCESS', $r->requestStatus);
    check_true('getHistoryReport: history mentions the new user', str_contains((string) $r->history, $user),
        "a history containing $user", $r->history);
    echo '7. getHistoryReport CSV: ', substr_count((string) $r->history, "\n"), " row(s) after the header, mentions $user\n";

    // 8. getTaskStatus of an unknown, well-formed id.
    $st = $getTaskStatus(UNKNOWN_TASK_ID);
    check('getTaskStatus (unknown id): requestStatus', 'ERR_TASK_DOES_NOT_EXIST', $st->requestStatus);
    echo '8. getTaskStatus ', UNKNOWN_TASK_ID, ": {$st->requestStatus}\n";
});
