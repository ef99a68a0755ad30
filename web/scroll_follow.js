// Auto-scroll that respects the reader: the log follows new text until the visitor scrolls up,
// then a "Jump to latest" button offers the way back. Growth of the content never moves
// scrollTop up, so an upward move is always the visitor's own.

const NEAR_BOTTOM = 48; // px: within this distance the reader is "at the latest"

export class ScrollFollower {
  /**
   * @param {HTMLElement} scroller  the scrolling message list
   * @param {HTMLButtonElement} jumpButton
   */
  constructor(scroller, jumpButton) {
    this.scroller = scroller;
    this.jumpButton = jumpButton;
    this.following = true;
    this.lastTop = scroller.scrollTop;
    this.frame = 0;
    scroller.addEventListener("scroll", () => this.onScroll(), { passive: true });
    jumpButton.addEventListener("click", () => this.jump());
    new MutationObserver(() => this.schedule()).observe(scroller, { childList: true, subtree: true, characterData: true });
    new ResizeObserver(() => this.schedule()).observe(scroller);
  }

  atBottom() {
    const s = this.scroller;
    return s.scrollHeight - s.scrollTop - s.clientHeight <= NEAR_BOTTOM;
  }

  onScroll() {
    const top = this.scroller.scrollTop;
    if (this.atBottom()) this.following = true;
    else if (top < this.lastTop) this.following = false;
    this.lastTop = top;
    this.updateButton();
  }

  /** Coalesce a burst of token updates into one scroll per frame. */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      if (this.following) this.toBottom("instant");
      this.updateButton();
    });
  }

  /** @param {ScrollBehavior} behavior */
  toBottom(behavior) {
    this.scroller.scrollTo({ top: this.scroller.scrollHeight, behavior });
    this.lastTop = this.scroller.scrollTop;
  }

  /** Back to following, e.g. when the visitor sends a question or opens a conversation. */
  jump() {
    this.following = true;
    this.toBottom("instant");
    this.updateButton();
  }

  updateButton() {
    this.jumpButton.hidden = this.following || this.atBottom();
  }
}
