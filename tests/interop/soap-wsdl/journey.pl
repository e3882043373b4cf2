#!/usr/bin/perl
# Interop journey (tests/interop/README.md) for Perl SOAP::WSDL, written as its manual teaches:
# run.sh has generated the classes with `wsdl2perl` from the served document/literal WSDL
# (/?wsdl); this script uses the generated interface MyInterfaces::CNodeService::CNodePort
# (whose endpoint is the WSDL's soap:address), passes each operation's arguments as a hash of
# the request element's children, and reads answers with the generated get_* accessors.
# Arguments the journey does not need (merchantData, peerLocation, getTaskStatus'
# uniqueTransferId and callback, ...) are simply left out of the hashes.
#
# Usage: perl -I WORK_DIR/lib journey.pl
use strict;
use warnings;
use SOAP::WSDL;
use MyInterfaces::CNodeService::CNodePort;

use constant MAX_POLLS    => 50;
use constant UNKNOWN_TASK => 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';

$| = 1;
print "version: SOAP::WSDL $SOAP::WSDL::VERSION\n";

my $service = MyInterfaces::CNodeService::CNodePort->new();

sub fail {
    my ($what, $expected, $got) = @_;
    print "FAIL: $what: expected $expected, got ", (defined $got ? "'$got'" : 'nothing'), "\n";
    exit 1;
}

# Compares a generated value (a builtin type object, which stringifies to its value).
sub check {
    my ($what, $expected, $got) = @_;
    $got = defined $got ? "$got" : undef;
    fail($what, "'$expected'", $got) unless defined $got && $got eq $expected;
}

# One call through the generated interface; a fault object is false and stringifies to its XML.
sub call {
    my ($op, $args) = @_;
    my $answer = $service->$op($args // {});
    fail("$op: answer", 'no fault', "$answer") if not $answer;
    return $answer->get_return;
}

sub check_task_id {
    my ($what, $r) = @_;
    check("$what: requestStatus", 'SUCCESS', $r->get_requestStatus);
    my $tid = $r->get_taskId // '';
    fail("$what: taskId", 'a 26-character taskId', "$tid") unless length "$tid" == 26;
    return "$tid";
}

# Polls getTaskStatus (taskId only) until the status starts with FINISHED.
sub poll {
    my ($what, $tid) = @_;
    my $st;
    for (1 .. MAX_POLLS) {
        $st = call(getTaskStatus => { taskId => $tid });
        check("$what: getTaskStatus requestStatus", 'SUCCESS', $st->get_requestStatus);
        return $st if ($st->get_status // '') =~ /^FINISHED/;
    }
    fail("$what: task $tid to finish within " . MAX_POLLS . ' polls', 'a FINISHED status', $st->get_status);
}

sub poll_ok {
    my ($what, $tid, $type) = @_;
    my $st = poll($what, $tid);
    check("$what: final status", 'FINISHED_OK', $st->get_status);
    check("$what: task type", $type, $st->get_type);
    return $st;
}

# A list element (maxOccurs="unbounded"): SOAP::WSDL gives one item as itself, more as an array ref.
sub items {
    my ($list) = @_;
    return () if not defined $list;
    my $items = $list->get_item;
    return () if not defined $items;
    return ref $items eq 'ARRAY' ? @$items : ($items);
}

sub random_letters { join '', map { ('a' .. 'z')[rand 26] } 1 .. $_[0] }

sub journey {
    my $user = 'soap-wsdl_' . random_letters(8);

    # 1. startRegister, merchantData left out.
    my $tid = check_task_id('startRegister', call(startRegister => {
        billonUserName     => $user,
        billonUserPassword => 'interop-pw',
        userIPEchoice      => 'PLUS_BANK_PRODUCTION',
        userARchoice       => 'PLUS_BANK_PRODUCTION',
        recoveryEmail1     => 'one@example.com',
        recoveryEmail2     => 'two@example.com',
    }));
    my $st = poll_ok('startRegister', $tid, 'REGISTER');
    print "1. startRegister $user: task $tid -> ", $st->get_status, " (", $st->get_type, ")\n";

    # 2. startLogin as the preloaded user.
    $tid = check_task_id('startLogin', call(startLogin => {
        billonUserName     => 'test_user',
        billonUserPassword => 'test_password',
    }));
    $st = poll_ok('startLogin', $tid, 'LOGIN');
    print "2. startLogin test_user: task $tid -> ", $st->get_status, " (", $st->get_type, ")\n";

    # 3. hello names the logged-in user.
    my $h = call('hello');
    check('hello: requestStatus', 'SUCCESS', $h->get_requestStatus);
    check('hello: username', 'test_user', $h->get_username);
    print "3. hello: status=", $h->get_status, " username=", $h->get_username, "\n";

    # 4. getMoneyStatus: the default currency's balances and the list of every currency.
    my $m = call('getMoneyStatus');
    check('getMoneyStatus: requestStatus', 'SUCCESS', $m->get_requestStatus);
    check('getMoneyStatus: freeBalance.amount', '1000000', $m->get_freeBalance->get_amount);
    check('getMoneyStatus: freeBalance.currency', 'PLN', $m->get_freeBalance->get_currency);
    my @balances = items($m->get_balances);
    fail('getMoneyStatus: balances', 'at least one item', scalar @balances) unless @balances;
    print "4. getMoneyStatus: free ", $m->get_freeBalance->get_amount, " ",
        $m->get_freeBalance->get_currency, ", ", scalar(@balances), " balance(s)\n";

    # 5. giveMoneyRequest to the new user; peerLocation, seriesId and description left out.
    $tid = check_task_id('giveMoneyRequest', call(giveMoneyRequest => {
        uniqueTransferId => 'interop-' . random_letters(12),
        type             => 'GIVE_MONEY',
        amount           => { amount => 1500, currency => 'PLN', colour => 0 },
        username         => $user,
        shortDescription => 'interop',
    }));
    $st = poll_ok('giveMoneyRequest', $tid, 'GIVE_MONEY');
    print "5. giveMoneyRequest 1500 PLN to $user: task $tid -> ", $st->get_status, " (", $st->get_type, ")\n";

    # 6. The free balance went down by the amount given.
    $m = call('getMoneyStatus');
    check('getMoneyStatus (after): requestStatus', 'SUCCESS', $m->get_requestStatus);
    check('getMoneyStatus (after): freeBalance.amount', '998500', $m->get_freeBalance->get_amount);
    print "6. getMoneyStatus: free ", $m->get_freeBalance->get_amount, "\n";

    # 7. getHistoryReport as CSV names the receiver; the other arguments left out.
    my $r = call(getHistoryReport => { format => 'CSV' });
    check('getHistoryReport: requestStatus', 'SUCCESS', $r->get_requestStatus);
    my $history = defined $r->get_history ? $r->get_history->get_value // '' : '';
    fail('getHistoryReport: history', "a report naming $user", $history)
        unless index($history, $user) >= 0;
    print "7. getHistoryReport CSV: ", length $history, " characters, names $user\n";

    # 8. An unknown, well-formed task id.
    $st = call(getTaskStatus => { taskId => UNKNOWN_TASK });
    check('getTaskStatus (unknown id): requestStatus', 'ERR_TASK_DOES_NOT_EXIST', $st->get_requestStatus);
    print "8. getTaskStatus ", UNKNOWN_TASK, ": ", $st->get_requestStatus, "\n";
}

eval { journey(); 1 } or do {
    my $err = $@;
    $err =~ s/\s+$//;
    print "FAIL: unexpected error: $err\n";
    exit 1;
};
print "journey: OK\n";
