import ProctorVision

extension ClientMessageError {
    /// The reply to a frame the vision side refused: the candidate's client is told the frame was
    /// no image or too large; anything else is the server's fault and says only that.
    init(frame error: VisionError) {
        switch error.kind {
        case .notAnImage: self.init(.notAnImage, error.message)
        case .imageTooLarge: self.init(.imageTooLarge, error.message)
        default: self.init(.internalError, "the frame could not be analysed")
        }
    }
}
