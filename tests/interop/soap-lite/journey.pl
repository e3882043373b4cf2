#!/usr/bin/perl
# Interop journey (tests/interop/README.md) for Perl SOAP::Lite, without a WSDL, written the
# way SOAP::Lite users call an rpc service: one client object from proxy() and ns(), call()
# with SOAP::Data arguments (SOAP::Lite sends rpc/encoded, an xsi:type on every argument),
# answers read from the SOAP::SOM (result() as a hash, valueof() for lists).
# Arguments the journey does not need (merchantData, peerLocation, getTaskStatus'
# uniqueTransferId and callback, ...) are simply not passed.
#
# Usage: perl journey.pl BASE_URL
use strict;
use warnings;
use SOAP::Lite;

use constant MAX_POLLS    => 50;
use constant UNKNOWN_TASK => 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';

my $base = shift or die "usage: $0 BASE_URL\n";
$| = 1;
print "version: SOAP::Lite $SOAP::Lite::VERSION\n";

# The node's application namespace is the literal string "ns1"; the method element is ns1:op.
my $soap = SOAP::Lite->proxy($base)->ns('ns1', 'ns1');

sub fail {
    my ($what, $expected, $got) = @_;
    print "FAIL: $what: expected $expected, got ", (defined $got ? "'$got'" : 'nothing'), "\n";
    exit 1;
}

sub check {
    my ($what, $expected, $got) = @_;
    fail($what, "'$expected'", $got) unless defined $got && $got eq $expected;
}

# One call; a SOAP fault fails the journey with its code and string.
sub call {
    my ($method, @args) = @_;
    my $som = $soap->call($method => @args);
    fail("$method: answer", 'no fault', $som->faultcode . ': ' . $som->faultstring) if $som->fault;
    return $som;
}

sub check_task_id {
    my ($what, $som) = @_;
    my $r = $som->result;
    check("$what: requestStatus", 'SUCCESS', $r->{requestStatus});
    my $tid = $r->{taskId} // '';
    fail("$what: taskId", 'a 26-character taskId', $tid) unless length $tid == 26;
    return $tid;
}

# Polls getTaskStatus (taskId only) until the status starts with FINISHED.
sub poll {
    my ($what, $tid) = @_;
    my $st;
    for (1 .. MAX_POLLS) {
        $st = call(getTaskStatus => SOAP::Data->name(taskId => $tid))->result;
        check("$what: getTaskStatus requestStatus", 'SUCCESS', $st->{requestStatus});
        return $st if ($st->{status} // '') =~ /^FINISHED/;
    }
    fail("$what: task $tid to finish within " . MAX_POLLS . ' polls', 'a FINISHED status', $st->{status});
}

sub poll_ok {
    my ($what, $tid, $type) = @_;
    my $st = poll($what, $tid);
    check("$what: final status", 'FINISHED_OK', $st->{status});
    check("$what: task type", $type, $st->{type});
    return $st;
}

# A billonAmount: a typed struct of typed fields.
sub billon_amount {
    my ($name, $amount, $currency, $colour) = @_;
    return SOAP::Data->name($name => \SOAP::Data->value(
        SOAP::Data->name(amount   => $amount)->type('unsignedLong'),
        SOAP::Data->name(currency => $currency)->type('string'),
        SOAP::Data->name(colour   => $colour)->type('unsignedLong'),
    ))->type('ns1:billonAmount');
}

sub random_letters { join '', map { ('a' .. 'z')[rand 26] } 1 .. $_[0] }

sub journey {
    my $user = 'soap-lite_' . random_letters(8);

    # 1. startRegister, merchantData left out.
    my $tid = check_task_id('startRegister', call(startRegister =>
        SOAP::Data->name(billonUserName     => $user),
        SOAP::Data->name(billonUserPassword => 'interop-pw'),
        SOAP::Data->name(userIPEchoice      => 'PLUS_BANK_PRODUCTION'),
        SOAP::Data->name(userARchoice       => 'PLUS_BANK_PRODUCTION'),
        SOAP::Data->name(recoveryEmail1     => 'one@example.com'),
        SOAP::Data->name(recoveryEmail2     => 'two@example.com'),
    ));
    my $st = poll_ok('startRegister', $tid, 'REGISTER');
    print "1. startRegister $user: task $tid -> $st->{status} ($st->{type})\n";

    # 2. startLogin as the preloaded user.
    $tid = check_task_id('startLogin', call(startLogin =>
        SOAP::Data->name(billonUserName     => 'test_user'),
        SOAP::Data->name(billonUserPassword => 'test_password'),
    ));
    $st = poll_ok('startLogin', $tid, 'LOGIN');
    print "2. startLogin test_user: task $tid -> $st->{status} ($st->{type})\n";

    # 3. hello names the logged-in user.
    my $h = call('hello')->result;
    check('hello: requestStatus', 'SUCCESS', $h->{requestStatus});
    check('hello: username', 'test_user', $h->{username});
    print "3. hello: status=$h->{status} username=$h->{username}\n";

    # 4. getMoneyStatus: the default currency's balances and the list of every currency.
    my $som = call('getMoneyStatus');
    my $m = $som->result;
    check('getMoneyStatus: requestStatus', 'SUCCESS', $m->{requestStatus});
    check('getMoneyStatus: freeBalance.amount', '1000000', $m->{freeBalance}{amount});
    check('getMoneyStatus: freeBalance.currency', 'PLN', $m->{freeBalance}{currency});
    my @balances = $som->valueof('//getMoneyStatusResponse/return/balances/item');
    fail('getMoneyStatus: balances', 'at least one item', scalar @balances) unless @balances;
    print "4. getMoneyStatus: free $m->{freeBalance}{amount} $m->{freeBalance}{currency}, ",
        scalar(@balances), " balance(s)\n";

    # 5. giveMoneyRequest to the new user; peerLocation, seriesId and description left out.
    my $transfer = 'interop-' . random_letters(12);
    $tid = check_task_id('giveMoneyRequest', call(giveMoneyRequest =>
        SOAP::Data->name(uniqueTransferId => $transfer),
        SOAP::Data->name(type             => 'GIVE_MONEY'),
        billon_amount(amount => 1500, 'PLN', 0),
        SOAP::Data->name(username         => $user),
        SOAP::Data->name(shortDescription => 'interop'),
    ));
    $st = poll_ok('giveMoneyRequest', $tid, 'GIVE_MONEY');
    print "5. giveMoneyRequest 1500 PLN to $user: task $tid -> $st->{status} ($st->{type})\n";

    # 6. The free balance went down by the amount given.
    $m = call('getMoneyStatus')->result;
    check('getMoneyStatus (after): requestStatus', 'SUCCESS', $m->{requestStatus});
    check('getMoneyStatus (after): freeBalance.amount', '998500', $m->{freeBalance}{amount});
    print "6. getMoneyStatus: free $m->{freeBalance}{amount} $m->{freeBalance}{currency}\n";

    # 7. getHistoryReport as CSV names the receiver; the other arguments left out.
    my $r = call(getHistoryReport => SOAP::Data->name(format => 'CSV'))->result;
    check('getHistoryReport: requestStatus', 'SUCCESS', $r->{requestStatus});
    my $history = $r->{history} // '';
    fail('getHistoryReport: history', "a report naming $user", $history)
        unless index($history, $user) >= 0;
    print "7. getHistoryReport CSV: ", length $history, " characters, names $user\n";

    # 8. An unknown, well-formed task id.
    $st = call(getTaskStatus => SOAP::Data->name(taskId => UNKNOWN_TASK))->result;
    check('getTaskStatus (unknown id): requestStatus', 'ERR_TASK_DOES_NOT_EXIST', $st->{requestStatus});
    print "8. getTaskStatus ", UNKNOWN_TASK, ": $st->{requestStatus}\n";
}

# SOAP::Lite dies on transport errors (an answer that is not SOAP): report them as a failure.
eval { journey(); 1 } or do {
    my $err = $@;
    $err =~ s/\s+$//;
    print "FAIL: unexpected error: $err\n";
    exit 1;
};
print "journey: OK\n";
