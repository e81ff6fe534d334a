#!/usr/bin/perl
# frames.pl: the adapter protocol (parsers/adapter/PROTOCOL.md) from the
# shell, for `make memcheck`, which runs the C adapter's frame loop under
# valgrind without the Go client.
#
#   perl frames.pl encode FILE...  write each file's bytes as one frame
#   perl frames.pl check N         read an adapter's output: a hello frame,
#                                  then exactly N verdict frames; exit 1 if
#                                  anything else arrives
use strict;
use warnings;

binmode STDIN;
binmode STDOUT;

my $mode = shift @ARGV // '';
if ($mode eq 'encode') {
    for my $path (@ARGV) {
        open my $fh, '<:raw', $path or die "frames.pl: $path: $!\n";
        local $/;
        my $data = <$fh> // '';
        close $fh;
        print pack('N', length $data), $data or die "frames.pl: writing: $!\n";
    }
    exit 0;
}
if ($mode eq 'check' && @ARGV == 1) {
    my $want = $ARGV[0];
    my $n = 0;
    while (1) {
        my ($hdr, $body);
        my $got = read STDIN, $hdr, 4;
        die "frames.pl: reading: $!\n" unless defined $got;
        last if $got == 0;
        die "frames.pl: output ends inside a frame header after $n frames\n" if $got != 4;
        my $len = unpack 'N', $hdr;
        $got = read STDIN, $body, $len;
        die "frames.pl: frame $n: $len bytes announced, " . ($got // 0) . " read\n"
            unless defined $got && $got == $len;
        my $prefix = $n == 0 ? '{"judge":' : '{"outcome":';
        die "frames.pl: frame $n does not start with $prefix: " . substr($body, 0, 80) . "\n"
            if substr($body, 0, length $prefix) ne $prefix;
        $n++;
    }
    die "frames.pl: " . ($n - 1) . " verdict frames for $want inputs\n" if $n != $want + 1;
    print "frames.pl: $want inputs, $want verdicts\n";
    exit 0;
}
die "usage: frames.pl encode FILE... | frames.pl check N\n";
