<?php
// What the PHP SoapClient journeys (php-array, php-positional) share: the client as PHP users
// build it, checks that fail the run, polling a task, and the entry point.
// Needs only PHP's own SoapClient (Debian: php-cli + php-soap).

const MAX_POLLS = 50;
const UNKNOWN_TASK_ID = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';

/** The SoapClient as PHP code usually builds it from a WSDL URL. */
function interop_client(string $wsdl): SoapClient
{
    return new SoapClient($wsdl, [
        'trace' => true,
        'exceptions' => true,
        'cache_wsdl' => WSDL_CACHE_NONE,
        // Lists (maxOccurs="unbounded") come back as PHP arrays even with one item.
        'features' => SOAP_SINGLE_ELEMENT_ARRAYS,
        'connection_timeout' => 10,
    ]);
}

/** A new user name: `<stack>_` and 8 random lowercase letters. */
function random_user(string $stack): string
{
    $s = '';
    for ($i = 0; $i < 8; $i++) {
        $s .= chr(random_int(ord('a'), ord('z')));
    }
    return $stack . '_' . $s;
}

function fail(string $what, $expected, $got): never
{
    throw new JourneyFailure(sprintf('FAIL: %s: expected %s, got %s',
        $what, var_export($expected, true), var_export($got, true)));
}

function check(string $what, $expected, $got): void
{
    if ($got !== $expected) {
        fail($what, $expected, $got);
    }
}

function check_true(string $what, bool $cond, $expected, $got): void
{
    if (!$cond) {
        fail($what, $expected, $got);
    }
}

/** A check that fails the journey; the message is its last output line. */
class JourneyFailure extends Exception
{
}

/**
 * The items of a list in an answer: with a literal WSDL a list is a wrapper object with `item`
 * children (an array, thanks to SOAP_SINGLE_ELEMENT_ARRAYS); with rpc/encoded a SOAP-ENC array
 * is already a PHP array.
 */
function list_items($list): array
{
    if (is_array($list)) {
        return $list;
    }
    return (array) ($list->item ?? []);
}

/** Checks a task-start answer and returns its 26-character taskId. */
function task_id(string $what, $resp): string
{
    check("$what: requestStatus", 'SUCCESS', $resp->requestStatus);
    $tid = (string) ($resp->taskId ?? '');
    check_true("$what: taskId is 26 characters", strlen($tid) === 26, 'a 26-character taskId', $tid);
    return $tid;
}

/**
 * Polls `$getTaskStatus($taskId)` until the status starts with FINISHED, then checks it ended
 * FINISHED_OK with the expected type. Returns the number of polls it took.
 */
function poll_to_ok(callable $getTaskStatus, string $taskId, string $what, string $type): int
{
    $last = null;
    for ($i = 1; $i <= MAX_POLLS; $i++) {
        $last = $getTaskStatus($taskId);
        check("$what: getTaskStatus requestStatus", 'SUCCESS', $last->requestStatus);
        if (str_starts_with((string) $last->status, 'FINISHED')) {
            check("$what: final status", 'FINISHED_OK', $last->status);
            check("$what: task type", $type, $last->type);
            return $i;
        }
    }
    fail("$what: task $taskId to finish within " . MAX_POLLS . ' polls', 'a FINISHED status',
        $last->status ?? null);
}

/**
 * Runs `$journey($wsdlUrl, $client)` from the command line: `php journey.php WSDL_URL WORK_DIR`.
 * A failed check or any SoapFault ends the run with exit 1; the last request and answer are
 * saved into WORK_DIR (last-request.xml, last-response.xml) for a look.
 */
function interop_main(array $argv, callable $journey): void
{
    if (count($argv) !== 3) {
        fwrite(STDERR, "usage: php {$argv[0]} http://127.0.0.1:PORT/?wsdl WORK_DIR\n");
        exit(2);
    }
    [, $wsdl, $workDir] = $argv;
    // A PHP warning (undefined property, array to string, ...) means the journey went wrong.
    set_error_handler(function (int $no, string $msg, string $file, int $line): never {
        throw new ErrorException($msg, 0, $no, $file, $line);
    });
    $client = null;
    try {
        $client = interop_client($wsdl);
        $journey($client);
    } catch (JourneyFailure $e) {
        save_last_exchange($client, $workDir);
        echo $e->getMessage(), "\n";
        exit(1);
    } catch (Throwable $e) { // SoapFault (server faults, bad WSDL, transport), TypeError, ...
        save_last_exchange($client, $workDir);
        $code = $e instanceof SoapFault ? " [{$e->faultcode}]" : '';
        $where = $e instanceof ErrorException ? ' (' . basename($e->getFile()) . ':' . $e->getLine() . ')' : '';
        echo 'FAIL: unexpected ', get_class($e), "$code: ", trim($e->getMessage()), "$where\n";
        exit(1);
    }
    echo "journey: OK\n";
}

function save_last_exchange(?SoapClient $client, string $workDir): void
{
    if ($client === null || !is_dir($workDir)) {
        return;
    }
    file_put_contents("$workDir/last-request.xml", (string) $client->__getLastRequest());
    file_put_contents("$workDir/last-response.xml", (string) $client->__getLastResponse());
}
