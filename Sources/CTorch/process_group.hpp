// The state behind a ct_process_group, shared by the shim's files that make and drive it
// (distributed.cpp: the group and its blocking collectives; rendezvous.cpp: the store, assigned
// ranks, the address towards the master; gradient_reducer.cpp: DDP's overlapped all-reduce).
#pragma once
#define USE_C10D_GLOO 1
#include "shim_support.hpp"

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/Store.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

struct ct_process_group_s {
    c10::intrusive_ptr<c10d::Store> store;
    /// Sends and receives a gradient reducer left posted when a step failed: declared before
    /// `group`, so their buffers go only after the group has closed its connections.
    std::vector<c10::intrusive_ptr<c10d::Work>> unfinished;
    c10::intrusive_ptr<c10d::ProcessGroupGloo> group;
    int rank;
    int world_size;
    std::chrono::milliseconds timeout;
    /// The next point-to-point tag free for a gradient reducer: each takes one per bucket, so a
    /// receive a failed step left posted never takes a later reducer's data. Every rank makes
    /// its reducers in the same order, so the tags agree.
    int next_tag = 0;
};

namespace ctorch {
/// Connects to the run's TCPStore on `host`:`port` (rank 0 hosts it, waiting for every rank). A
/// `rank` of -1 is assigned here: the process that can host the store (`host` being an address of
/// this machine) becomes 0, the others take 1..world_size-1 in arrival order through the store.
c10::intrusive_ptr<c10d::Store> rendezvous(const std::string &host, uint16_t port, int &rank, int world_size,
                                           std::chrono::milliseconds timeout);

/// The address of this machine that its route to `host` leaves from (numeric; "" when there is
/// no route): the one the other ranks can reach it at when they all reach the master.
std::string address_towards(const std::string &host, uint16_t port);

/// Runs collective `name` (`start` launches it) and waits for it: wait(timeout) throws when a
/// peer stops answering in time; a dead peer fails sooner (its sockets close). Either way the
/// message says which rank saw it and why.
void run_collective(ct_process_group g, const char *name,
                    const std::function<c10::intrusive_ptr<c10d::Work>()> &start);

/// The error `run_collective` throws when collective `name` fails with `e` on this rank.
std::runtime_error collective_error(ct_process_group g, const char *name, const std::exception &e);
}
