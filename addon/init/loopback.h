// A new network namespace starts with "lo" down; containers expect it up.
#pragma once

namespace tsrun::init {

void bring_up_loopback();

}  // namespace tsrun::init
