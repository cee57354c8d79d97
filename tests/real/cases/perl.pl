# real-run: /usr/bin/perl -w @CASE@
#
# Hashes (printed in sorted order: perl randomises their order per process), regexes,
# sprintf, pack/unpack, sort, local files.
use strict;

my %h = map { ("k$_" => $_ * $_) } 1 .. 50;
$h{$_ . "x"} = length $_ for qw(alpha beta gamma);
print join(",", map { "$_=$h{$_}" } sort keys %h), "\n";
print join(",", sort { $h{$b} <=> $h{$a} || $a cmp $b } grep { /^k\d$/ } keys %h), "\n";
my ($sum, $n) = (0, 0);
while (my ($k, $v) = each %h) { $sum += $v; $n++ }
print "sum=$sum n=$n\n";

my $text = "2024-03-01 alice 17\n2023-12-31 bob 4\n2024-01-15 carol 256\n";
for my $line (split /\n/, $text) {
    if ($line =~ /^(\d{4})-(\d\d)-(\d\d)\s+(\w+)\s+(\d+)$/) {
        print "$4: year $1 month $2 day $3 n=$5\n";
    }
}
(my $swapped = $text) =~ s/(\w+) (\d+)$/$2 $1/gm;
print $swapped;
my @words = ($text =~ /\b([a-z]+)\b/g);
print "@words\n", scalar(() = $text =~ /\d/g), "\n";
print join("|", split /(?<=a)/, "banana"), "\n";
(my $t = "Hello World") =~ tr/a-zA-Z/n-za-mN-ZA-M/;
print "$t\n";

printf "%5d|%-5s|%05.1f|%x|%o|%e|%s\n", 42, "ab", 3.14159, 255, 8, 12345.678, undef // "u";
print sprintf("%3\$s %1\$s %2\$s", "a", "b", "c"), "\n";
print sprintf("%.3g %g %g %v02x", 0.0001234, 1e21, -0.0, "1.22.333"), "\n";

my $p = pack("A3 n N v V c C q< Z* H4", "xy", 258, 0xdeadbeef, 513, 1 << 20, -1, 200,
             -(1 << 40), "zt", "beef");
print unpack("H*", $p), " ", length($p), "\n";
print join(",", unpack("A3 n N v V c C q< Z* H4", $p)), "\n";
print join(",", unpack("(A2)*", "aabbccd")), " ", unpack("%32C*", "checksum"), "\n";
print join(",", unpack("w*", pack("w*", 1, 300, 1 << 40))), "\n";

my @nums = map { ($_ * 7919) % 1000 } 1 .. 20;
print join(" ", sort { $a <=> $b } @nums), "\n";
print join(" ", reverse sort @nums), "\n";

open(my $fh, ">", "out.txt") or die "out.txt: $!";
print $fh "line $_\n" for 1 .. 5;
close $fh;
open($fh, "<", "out.txt") or die "out.txt: $!";
my @lines = <$fh>;
close $fh;
print scalar(@lines), " lines, last: $lines[-1]";
mkdir "sub" or die;
rename "out.txt", "sub/moved.txt" or die;
opendir(my $dh, "sub") or die;
print join(" ", sort grep { !/^\./ } readdir $dh), "\n";
closedir $dh;
my $status = system("/bin/sh", "-c", "exit 4");
print "system: ", $status >> 8, "\n";
print "backticks: ", `echo from sh`;
exit 3;
