#pragma once
// Include this first in every sip/*.cpp that includes a Sofia header, and
// never from a header: it fixes the types Sofia hands back as "magic" (the
// root's, nua's and each handle's context), which must be the same in every
// translation unit that registers or receives a Sofia callback.

namespace callboard::sip {
class Engine;
struct HandleCtx;
}  // namespace callboard::sip

#define SU_ROOT_MAGIC_T ::callboard::sip::Engine
#define NUA_MAGIC_T ::callboard::sip::Engine
#define NUA_HMAGIC_T ::callboard::sip::HandleCtx
#define SU_TIMER_ARG_T void
#define SU_MSG_ARG_T void
