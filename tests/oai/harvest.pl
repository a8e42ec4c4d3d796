#!/usr/bin/perl
# Harvests an OAI-PMH repository with Debian's HTTP::OAI (libhttp-oai-perl), following its
# resumption tokens; prints "records: N deleted: D" and exits non-zero on any protocol error.
# Usage: harvest.pl BASE_URL METADATA_PREFIX
use strict;
use warnings;
use HTTP::OAI;

my ($base, $prefix) = @ARGV;
my $h = HTTP::OAI::Harvester->new(baseURL => $base, resume => 1);
my $id = $h->Identify;
die "Identify: " . $id->message . "\n" if $id->is_error;
my ($n, $deleted) = (0, 0);
my $r = $h->ListRecords(
  metadataPrefix => $prefix,
  onRecord => sub { my $rec = shift; $n++; $deleted++ if $rec->is_deleted; });
die "ListRecords: " . $r->message . "\n" if $r->is_error;
print "records: $n deleted: $deleted\n";
