<?php
// The IntellectMoney seed's PHP example (seed 003, getScheduledOperationData, "Примеры кода: PHP"),
// run as written: the same curl_setopt_array, option for option, header for header. What the
// journey varies comes from the command line; everything else is the seed's literal text:
//
//   php seed-request.php URL POSTFIELDS SIGN
//
//   URL         the seed's https://api.intellectmoney.ru/personal/scheduler/getScheduledOperationData
//               with the emulator's base URL in place of https://api.intellectmoney.ru/ (and, for
//               setScheduledOperationData, that method's name in place of the seed's)
//   POSTFIELDS  the body string, written the way the seed writes it: name=value pairs joined
//               with '&', values as they are (the seed does not URL-encode its string)
//   SIGN        the Sign header's value (the seed's e3b0c442... is the SHA-256 of the empty string,
//               a placeholder; the journey passes the real signature, or the placeholder itself)
//
// Prints the answer body (`echo $response`, as the seed does). Two lines that do not change the
// request are added around the seed's code for the journey's checks: CURLINFO_HEADER_OUT keeps
// the request head curl sent, and after curl_exec the HTTP status, that head and any curl error
// are written as JSON to the file named by the environment variable IM_META_FILE (when set).

if ($argc !== 4) {
    fwrite(STDERR, "usage: php seed-request.php URL POSTFIELDS SIGN\n");
    exit(2);
}
[, $url, $postfields, $sign] = $argv;

$curl = curl_init();
curl_setopt($curl, CURLINFO_HEADER_OUT, true); // journey: record the request head (not sent)
curl_setopt_array($curl, array(
CURLOPT_URL => $url,
CURLOPT_RETURNTRANSFER => true,
CURLOPT_ENCODING => '',
CURLOPT_MAXREDIRS => 10,
CURLOPT_TIMEOUT => 0,
CURLOPT_FOLLOWLOCATION => true,
CURLOPT_HTTP_VERSION => CURL_HTTP_VERSION_1_1,
CURLOPT_CUSTOMREQUEST => 'POST',
CURLOPT_POSTFIELDS => $postfields,
CURLOPT_HTTPHEADER => array(
'Accept: application/json',
'Content-Type: application/json',
'Authorization: Bearer 9d97820c61424eb6ac0db414ccb7ac60',
'Sign: ' . $sign,
),
));
$response = curl_exec($curl);
// journey: what the checks need besides the body
$meta = array(
    'http_code' => curl_getinfo($curl, CURLINFO_RESPONSE_CODE),
    'content_type' => curl_getinfo($curl, CURLINFO_CONTENT_TYPE),
    'request_head' => curl_getinfo($curl, CURLINFO_HEADER_OUT),
    'curl_error' => curl_error($curl),
);
curl_close($curl);
echo $response;

$metaFile = getenv('IM_META_FILE');
if ($metaFile !== false && $metaFile !== '') {
    $flags = JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_PRETTY_PRINT;
    file_put_contents($metaFile, json_encode($meta, $flags));
}
exit($response === false ? 1 : 0);
